import Sodium

/// Refuses passphrases that an attacker with the identity file could guess.
///
/// Argon2id slows each guess; it cannot save a passphrase from a short list of likely ones.
enum PassphrasePolicy {
    static let minimumLength = 12
    static let minimumDistinctCharacters = 6

    /// Phrases that meet the length rule but are among the first an attacker tries.
    static let commonPhrases: Set<String> = [
        "password1234", "passwordpassword", "123456789012", "qwertyuiopas", "iloveyou1234",
        "correct horse battery staple", "correcthorsebatterystaple", "letmeinletmein",
        "administrator", "blindrelay123", "passphrase123", "trustno1trustno1",
    ]

    static let advice = """
        use four or more random words, e.g. "lantern okapi velvet harbour", or at least \
        \(minimumLength) characters that are not a common phrase; write it down somewhere safe
        """

    /// The reason a passphrase is too weak, or nil when it is acceptable.
    static func weakness(of passphrase: SecretBytes) -> String? {
        let text = passphrase.withUnsafeBytes { String(decoding: $0, as: UTF8.self) }
        let characters = Array(text)
        if characters.count < minimumLength {
            return "the passphrase is shorter than \(minimumLength) characters"
        }
        if Set(characters.map { $0.lowercased() }).count < minimumDistinctCharacters {
            return "the passphrase repeats too few different characters"
        }
        if commonPhrases.contains(text.lowercased()) || characters.allSatisfy(\.isNumber) {
            return "the passphrase is a common one that is easy to guess"
        }
        return nil
    }
}
