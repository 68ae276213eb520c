import ArgumentParser
import ChairCore
import ChairStorage
import ChairSync
import Envelope
import Foundation

/// `chair export`: writes a public key file, and its fingerprint, for the chair's recipients set.
struct ExportCommand: ChairSubcommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Write your public keys to a file, and show their fingerprint.",
        discussion: """
            Needs no passphrase. A deputy gives the file to the chair, who adds it to the group's \
            signed recipients set with 'chair recipients add'; read the fingerprint aloud to them so \
            they can check they have your real key. (The relay reads only the signed set.)

            Example:
              chair export --name "Deputy, Anytown IAG" --output deputy.pub
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
