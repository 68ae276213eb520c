import ChairCore
import ChairStorage
import ChairSync
import Sodium

/// Refuses passphrases that an attacker with the identity file could guess, and suggests one.
///
/// Argon2id slows each guess; it cannot save a passphrase an attacker tries early
/// (`PassphraseStrength` estimates how early).
enum PassphrasePolicy {
    static let minimumLength = 12

    static let advice = """
        use the passphrase suggested above, or five or more words chosen at random (not a saying, \
        a name or a date); write it down and keep it somewhere safe
        """

    /// The reason a passphrase is too weak, or nil when it is acceptable.
    static func weakness(of passphrase: SecretBytes) -> String? {
        let text = passphrase.withUnsafeBytes { String(decoding: $0, as: UTF8.self) }
        if text.count < minimumLength {
            return "the passphrase is shorter than \(minimumLength) characters"
        }
        let bits = PassphraseStrength.bits(text)
        if bits < PassphraseStrength.minimumBits {
            return "the passphrase would be too easy to guess: it is made of common words, names, dates, "
                + "keyboard patterns or repeats (about \(Int(bits)) bits; at least \(Int(PassphraseStrength.minimumBits)) are needed)"
        }
        return nil
    }

    /// A new passphrase from `source`: on a terminal, offers a suggestion first and asks twice;
    /// refuses a weak one, saying `unchanged` (what stays as it was).
    static func choose(from source: PassphraseSource, prompt: String, unchanged: String) throws(ChairError)
        -> SecretBytes
    {
        if source.asksOnTerminal {
            printStatus("chair: a passphrase made for you, if you want it (write it down, keep it safe):")
            printStatus("")
            printStatus("    \(suggestion())")
            printStatus("")
            printStatus("chair: type it, or one of your own of five or more random words")
        }
        let passphrase = try source.read(prompt: prompt, confirm: true)
        if let weakness = weakness(of: passphrase) {
            throw ChairError(weakness + "; " + unchanged, hint: advice)
        }
        return passphrase
    }

    /// Five words chosen at random from the EFF list: about 64 bits, and easy to write down.
    static func suggestion() -> String {
        (0..<5).map { _ in String(WordList.words[Int(RandomBytes.uniform(below: UInt32(WordList.words.count)))]) }
            .joined(separator: " ")
    }
}
