import ArgumentParser
import ChairCore
import ChairStorage
import ChairSync
import Envelope
import Foundation
import Sodium

/// `chair handover`: passing the chair's role, and the open contact requests, to the next chair.
struct HandoverCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "handover",
        abstract: "Pass the chair's role and the open contact requests to the next chair.",
        discussion: """
            In order: the outgoing chair adds the incoming one as a deputy ('chair recipients add') \
            and police IT install that set; the incoming chair pulls; the outgoing chair exports \
            the open contact requests sealed to the incoming chair; the incoming chair imports them \
            and takes over, signing a set without the outgoing chair; police IT install it.

            Example, outgoing chair:
              chair handover export --to "Deputy" --set recipients.set --output handover.chair
            Example, incoming chair:
              chair handover import handover.chair --set recipients.set
              chair handover take-over --set recipients.set --name "Chair"
            """,
        subcommands: [ExportHandover.self, ImportHandover.self, TakeOverChair.self])
}

struct ExportHandover: ChairSubcommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Seal the open contact requests, with their notes, to the incoming chair (outgoing chair).",
        discussion: """
            Only the incoming chair can open the file, not even you. It also lets your own store \
            follow the incoming chair once they take over.
            """)

    @OptionGroup var identityOptions: IdentityOptions
    @OptionGroup var store: StoreOptions
    @OptionGroup var setOptions: RecipientSetOptions

    @Option(help: ArgumentHelp("The incoming chair, a deputy in the set, by name.", valueName: "name"))
    var to: String

    @Option(help: ArgumentHelp("The file to write (it must not exist yet).", valueName: "file"))
    var output: String

    func execute() throws(ChairError) {
        let current = try setOptions.read()
        guard let successor = Handover.successor(named: to, in: current) else {
            throw ChairError(
                "\(to) is not a deputy in \(setOptions.set), so the role cannot pass to them",
                hint:
                    "add them first with 'chair recipients add', give the set to police IT, and have them pull; 'chair recipients show' lists the names"
            )
        }
        let identity = try setOptions.unlockChair(of: current, identityOptions)
        let opened = try store.open(identityPath: identityOptions.identityPath, identity: identity)
        let exported: Handover.Exported
        do {
            exported = try Handover.export(from: opened, signer: identity, to: successor, output: output)
        } catch {
            throw explain(error)
        }
        ChairFiles.warnIfOpen(exported.created)
        let count = exported.count
        printStatus(
            "chair: wrote \(count) open contact \(count == 1 ? "request" : "requests"), with \(count == 1 ? "its" : "their") "
                + "statuses and notes, to \(output), sealed to \(successor.key.name) (fingerprint "
                + "\(successor.key.fingerprint)): only they can open it")
        printStatus(
            "hint: give them the file and \(setOptions.set); once they have taken over and police IT run their set, delete your copies with 'chair purge --all'"
        )
    }

    func explain(_ failure: Handover.ExportFailure) -> ChairError {
        switch failure {
        case .storeUnreadable(let reason):
            ChairError("cannot read your message store: \(reason)", hint: "restore it from your backup")
        case .neverPulled: ChairError("this store has never pulled", hint: "run 'chair pull' first, then export")
        case .cannotMake(let reason):
            ChairError("cannot make the handover file: \(reason)", hint: "nothing was written; try again")
        case .file(let failure): ChairError(failure)
        case .notRecorded(let reason):
            ChairError(
                "wrote \(output), but could not record the handover in your store: \(reason)",
                hint: "check free disk space and run the export again with a new --output")
        }
    }
}

struct ImportHandover: ChairSubcommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Take in the contact requests the outgoing chair sealed to you (incoming chair).",
        discussion: """
            Pull first, so that your store holds everything sealed to you. --set is the set in \
            which the outgoing chair made you a deputy: the file must be signed by its chair.
            """)

    @OptionGroup var identityOptions: IdentityOptions
    @OptionGroup var store: StoreOptions
    @OptionGroup var setOptions: RecipientSetOptions

    @Argument(help: ArgumentHelp("The file from 'chair handover export'.", valueName: "file"))
    var file: String

    func execute() throws(ChairError) {
        let current = try setOptions.read()
        let data = try ChairFiles.read(file, what: "handover file", hint: "check the path of the file you were given")
        let identity = try identityOptions.unlock()
        guard current.members.contains(where: { $0.key.signingKey == identity.signing.publicKey }) else {
            throw ChairError(
                "\(setOptions.set) does not name you, so it is not the set the outgoing chair added you to",
                hint: "ask the outgoing chair for the set that names you as a deputy")
        }
        let outgoing = current.chair.key
        let opened = try store.open(identityPath: identityOptions.identityPath, identity: identity)
        let imported: Handover.Imported
        do {
            imported = try Handover.takeIn(data, into: opened, identity: identity, outgoing: outgoing)
        } catch {
            throw Self.explain(error, file: file, outgoing: outgoing)
        }
        let (count, adoption) = (imported.count, imported.adoption)
        printStatus(
            "chair: took in \(count) open contact \(count == 1 ? "request" : "requests") from "
                + "\(outgoing.name): \(adoption.merged) already here, now with their history, and \(adoption.added) added"
        )
        printStatus(
            "hint: 'chair contacts' lists them; then take over with 'chair handover take-over --set \(setOptions.set)'")
    }

    static func explain(_ failure: Handover.ImportFailure, file: String, outgoing: PublicKeyFile) -> ChairError {
        switch failure {
        case .file(let error): explain(error, file: file, outgoing: outgoing)
        case .storeUnreadable(let reason):
            ChairError("cannot read your message store: \(reason)", hint: "restore it from your backup")
        case .notPulledYet(let count):
            ChairError(
                "the file holds \(count) \(count == 1 ? "message" : "messages") your store has not pulled yet",
                hint: "run 'chair pull', then import again; nothing was changed")
        case .cannotSave(let reason):
            ChairError(
                "could not save the handed-over requests: \(reason)",
                hint: "nothing was changed; check free disk space and try again")
        }
    }

    static func explain(_ error: HandoverFile.ReadError, file: String, outgoing: PublicKeyFile) -> ChairError {
        switch error {
        case .notForYou:
            ChairError(
                "\(file) was not sealed to you, or was damaged on the way",
                hint: "ask the outgoing chair to export it again with --to and your name as the set shows it")
        case .notSigned:
            ChairError(
                "\(file) is not signed by \(outgoing.name) (fingerprint \(outgoing.fingerprint)), the chair of the set you gave",
                hint: "nothing was changed; ask the outgoing chair how they made it, by phone, before you use it")
        case .malformed:
            ChairError("\(file) is damaged", hint: "nothing was changed; ask the outgoing chair to export it again")
        }
    }
}

struct TakeOverChair: ChairSubcommand {
    static let configuration = CommandConfiguration(
        commandName: "take-over",
        abstract: "Sign the next recipients set as the group's chair, without the outgoing chair (incoming chair).",
        discussion: """
            You must be a deputy in the set the outgoing chair signed. The new set keeps the other \
            deputies. Readers' stores accept it because the outgoing chair had made you a deputy, \
            and say so; the outgoing chair's own store accepts it only after 'chair handover export'.
            """)

    @OptionGroup var identityOptions: IdentityOptions
    @OptionGroup var setOptions: RecipientSetOptions

    @Option(help: "Your name as the group's chair; by default, your name in the set.")
    var name: String?

    func execute() throws(ChairError) {
        let current = try setOptions.read()
        let identity = try identityOptions.unlock()
        guard
            let mine = current.members.first(where: {
                $0.role == .deputy && $0.key.signingKey == identity.signing.publicKey
            })
        else {
            throw ChairError(
                "you are not a deputy in \(setOptions.set), so you cannot take over from its chair",
                hint: "the outgoing chair adds you first with 'chair recipients add'; nothing was changed")
        }
        let key: PublicKeyFile
        do {
            key = try PublicKeyFile(
                name: name ?? mine.key.name, encryptionKey: mine.key.encryptionKey, signingKey: mine.key.signingKey)
        } catch {
            throw ChairError("the name cannot be used: \(error)", hint: "choose a name of 1 to 100 ordinary characters")
        }
        let others = current.members.filter { $0.role == .deputy && $0 != mine }
        guard current.serial < RecipientSet.maximumSerial else {
            throw ChairError("\(setOptions.set) has the highest serial a set can have", hint: "nothing was changed")
        }
        try signAndWrite(
            serial: current.serial + 1, members: [.init(role: .chair, key: key)] + others, identity: identity,
            options: setOptions)
        printStatus("chair: \(current.chair.key.name) is no longer in the set; you sign it from now on")
    }
}
