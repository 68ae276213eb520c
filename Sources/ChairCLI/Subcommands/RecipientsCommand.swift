import ArgumentParser
import ChairCore
import ChairStorage
import ChairSync
import Envelope
import Foundation
import Sodium

/// `chair recipients`: the group's signed recipients set, the only people the relay seals to.
struct RecipientsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "recipients",
        abstract: "Make, change or check the signed list of people every message is sealed to.",
        discussion: """
            The relay seals every message to exactly the people in this file, and refuses to start \
            without it or with a copy anyone else changed. Each message says which list it was sealed \
            to, and 'chair pull' stops at one sealed to a list you did not sign.

            Example:
              chair recipients create --name "Chair" --set keys/recipients.set
              chair recipients add deputy.pub --set keys/recipients.set
              chair recipients remove "Deputy" --set keys/recipients.set
              chair recipients show --set keys/recipients.set
            Give the file to the relay's host after every change; the relay reads it when it starts.
            """,
        subcommands: [CreateRecipients.self, AddRecipient.self, RemoveRecipient.self, ShowRecipients.self])
}

/// Where the set is read and written.
struct RecipientSetOptions: ParsableArguments {
    @Option(help: ArgumentHelp("The recipients set file.", valueName: "path"))
    var set = "recipients.set"

    func read() throws(ChairError) -> RecipientSet {
        guard let data = FileManager.default.contents(atPath: set) else {
            throw ChairError(
                "cannot read the recipients set \(set)",
                hint: "check --set, or make one with 'chair recipients create'")
        }
        do {
            return try RecipientSet(parsing: Array(data))
        } catch {
            throw ChairError(
                "\(set) cannot be used: \(error)",
                hint: "nothing was changed; make a new one with 'chair recipients create'")
        }
    }

    /// Unlocks the identity, which must be the chair who signed `current`: only they may change it.
    func unlockChair(of current: RecipientSet, _ identityOptions: IdentityOptions) throws(ChairError)
        -> ChairIdentity
    {
        let identity = try identityOptions.unlock()
        guard identity.signing.publicKey == current.chair.key.signingKey else {
            throw ChairError(
                "\(set) is signed by \(current.chair.key.name), not by this identity",
                hint: "only the chair who made it can change it; nothing was changed")
        }
        return identity
    }

    /// Replaces the file whole (write beside it, then rename), so no reader sees half of it.
    func write(_ recipientSet: RecipientSet) throws(ChairError) {
        let temporary = set + ".new"
        guard
            FileManager.default.createFile(
                atPath: temporary, contents: Data(recipientSet.render().utf8), attributes: [.posixPermissions: 0o644]),
            rename(temporary, set) == 0
        else {
            // Best effort: a half-written copy beside the set is harmless, and this is already failing.
            _ = unlink(temporary)
            throw ChairError(
                "cannot write \(set)",
                hint: "check that its folder exists and that you may write to it; nothing was changed")
        }
    }
}

/// Shared by the commands that sign: unlock, check it is the set's chair, sign, write, show.
func signAndWrite(
    serial: Int64, members: [RecipientSet.Member], identity: ChairIdentity, options: RecipientSetOptions
) throws(ChairError) {
    let signed: RecipientSet
    do {
        signed = try RecipientSet.sign(serial: serial, members: members, with: identity.signing)
    } catch {
        throw ChairError("the recipients set cannot be made: \(error)", hint: "nothing was changed")
    }
    try options.write(signed)
    printStatus("chair: wrote recipients set \(signed.serial) to \(options.set)")
    printSet(signed)
    printStatus("hint: give \(options.set) to the relay's host; the relay uses it from its next start")
}

private func printSet(_ recipientSet: RecipientSet) {
    print("recipients set \(recipientSet.serial), signed by \(recipientSet.chair.key.name):")
    for member in recipientSet.members {
        print("  \(member.role.rawValue): \(member.key.name), fingerprint \(member.key.fingerprint)")
    }
}

struct CreateRecipients: ChairSubcommand {
    static let configuration = CommandConfiguration(
        commandName: "create", abstract: "Start a recipients set holding only you, as its chair.")

    @OptionGroup var identityOptions: IdentityOptions
    @OptionGroup var options: RecipientSetOptions

    @Option(help: "Your name as the group's chair, shown to the host and to deputies.")
    var name = "Chair"

    func execute() throws(ChairError) {
        guard !FileManager.default.fileExists(atPath: options.set) else {
            throw ChairError(
                "\(options.set) already exists",
                hint: "nothing was changed; use 'chair recipients add' or 'remove' to change it")
        }
        let identity = try identityOptions.unlock()
        let key: PublicKeyFile
        do {
            key = try PublicKeyFile(
                name: name, encryptionKey: identity.encryption.publicKey, signingKey: identity.signing.publicKey)
        } catch {
            throw ChairError("the name cannot be used: \(error)", hint: "choose a name of 1 to 100 ordinary characters")
        }
        try signAndWrite(serial: 1, members: [.init(role: .chair, key: key)], identity: identity, options: options)
    }
}

struct AddRecipient: ChairSubcommand {
    static let configuration = CommandConfiguration(
        commandName: "add", abstract: "Add a deputy from the key file they made with 'chair export'.")

    @OptionGroup var identityOptions: IdentityOptions
    @OptionGroup var options: RecipientSetOptions

    @Argument(help: ArgumentHelp("The deputy's public key file.", valueName: "file"))
    var file: String

    func execute() throws(ChairError) {
        let current = try options.read()
        guard let data = FileManager.default.contents(atPath: file) else {
            throw ChairError("cannot read \(file)", hint: "check the path; nothing was changed")
        }
        let key: PublicKeyFile
        do {
            key = try PublicKeyFile(parsing: Array(data))
        } catch {
            throw ChairError(
                "\(file) cannot be used: \(error)",
                hint: "ask its holder to run 'chair export' again; nothing was changed")
        }
        let identity = try options.unlockChair(of: current, identityOptions)
        printStatus("chair: adding \(key.name), fingerprint \(key.fingerprint): check it with them before you go on")
        try signAndWrite(
            serial: current.serial + 1, members: current.members + [.init(role: .deputy, key: key)], identity: identity,
            options: options)
    }
}

struct RemoveRecipient: ChairSubcommand {
    static let configuration = CommandConfiguration(
        commandName: "remove", abstract: "Remove a deputy by name; the relay stops sealing to them.")

    @OptionGroup var identityOptions: IdentityOptions
    @OptionGroup var options: RecipientSetOptions

    @Argument(help: ArgumentHelp("The deputy's name as 'chair recipients show' lists it.", valueName: "name"))
    var name: String

    func execute() throws(ChairError) {
        let current = try options.read()
        guard let member = current.members.first(where: { $0.key.name == name }) else {
            throw ChairError(
                "no one named '\(name)' is in \(options.set)", hint: "'chair recipients show' lists the names")
        }
        guard member.role != .chair else {
            throw ChairError(
                "the chair cannot be removed",
                hint: "to pass the role on, the next chair takes over with 'chair handover take-over'")
        }
        let identity = try options.unlockChair(of: current, identityOptions)
        try signAndWrite(
            serial: current.serial + 1, members: current.members.filter { $0 != member }, identity: identity,
            options: options)
    }
}

struct ShowRecipients: ChairSubcommand {
    static let configuration = CommandConfiguration(
        commandName: "show", abstract: "Check a recipients set's signature and list who is in it.")

    @OptionGroup var options: RecipientSetOptions

    func execute() throws(ChairError) {
        printSet(try options.read())
    }
}
