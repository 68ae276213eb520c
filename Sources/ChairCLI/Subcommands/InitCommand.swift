import ArgumentParser
import ChairCore
import ChairStorage
import ChairSync
import Sodium

/// `chair init`: makes the chair's keys and stores them under a passphrase.
struct InitCommand: ChairSubcommand {
    static let configuration = CommandConfiguration(
        commandName: "init",
        abstract: "Make your keys: one to open messages, one to sign your requests to the relay.",
        discussion: """
            The keys are stored in one file, encrypted under a passphrase you choose. Keep a copy \
            of that file somewhere safe (an encrypted USB stick): without it and the passphrase, \
            messages sealed to you cannot be read by anyone.

            Example:
              chair init --identity ~/iag/identity
            """)

    @OptionGroup var options: IdentityOptions

    func execute() throws(ChairError) {
        let path = options.identityPath
        let passphrase = try PassphrasePolicy.choose(
            from: options.passphraseSource, prompt: "Choose a passphrase: ", unchanged: "no identity was made")
        let identity = ChairIdentity.generate()
        let text = try IdentityOptions.seal(identity, passphrase: passphrase)
        try ChairFiles.create(at: path, contents: Array(text.utf8))
        printStatus("chair: created your identity at \(path)")
        printStatus("hint: back up that file and remember the passphrase; then run 'chair export'")
    }
}
