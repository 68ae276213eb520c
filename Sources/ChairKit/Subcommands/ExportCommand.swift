import ArgumentParser
import Envelope
import Foundation

/// `chair export`: writes the public key file the relay reads, and its fingerprint.
struct ExportCommand: ChairSubcommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Write your public keys for the relay, and show their fingerprint.",
        discussion: """
            Needs no passphrase. Give the file to the relay's host (it goes in their keys/ folder),
            then read the fingerprint aloud to them so they can check they have your real key.

            Example:
              chair export --name "Chair, Anytown IAG" --output keys/chair.pub
            """)

    @OptionGroup var options: IdentityOptions

    @Option(help: "A name for the key holder, shown to the host.")
    var name = "Chair"

    @Option(help: ArgumentHelp("Write the key file here instead of to standard output.", valueName: "path"))
    var output: String?

    func execute() throws(ChairError) {
        let publicPart = try options.loadPublicPart()
        let file: PublicKeyFile
        do {
            file = try PublicKeyFile(
                name: name, encryptionKey: publicPart.encryptionKey, signingKey: publicPart.signingKey)
        } catch {
            throw ChairError("the name cannot be used: \(error)", hint: "choose a name of 1 to 100 ordinary characters")
        }
        guard let output else {
            print(file.render(), terminator: "")
            printStatus("fingerprint: \(file.fingerprint)")
            return
        }
        let contents = Array(file.render().utf8)
        if let existing = FileManager.default.contents(atPath: output) {
            guard Array(existing) == contents else {
                throw ChairError(
                    "\(output) already exists and holds other keys",
                    hint: "nothing was overwritten; remove it first if it is really out of date")
            }
        } else {
            // A public key: readable by the relay's host once copied, so not private.
            guard
                FileManager.default.createFile(
                    atPath: output, contents: Data(contents), attributes: [.posixPermissions: 0o644])
            else {
                throw ChairError(
                    "cannot write \(output)", hint: "check that its folder exists and that you may write to it")
            }
        }
        printStatus("chair: wrote your public keys to \(output)")
        print("fingerprint: \(file.fingerprint)")
    }
}
