import ArgumentParser
import ChairCore
import ChairStorage
import ChairSync
import Foundation

/// Where the chair's local message store is.
struct StoreOptions: ParsableArguments {
    @Option(
        name: .customLong("store"),
        help: ArgumentHelp(
            "The local message store.",
            discussion: "Defaults to $BLIND_RELAY_STORE, else messages.sqlite beside the identity file.",
            valueName: "path"))
    var path: String?

    /// The store's path for the identity at `identityPath`.
    func storePath(identityPath: String) -> String {
        if let path { return path }
        if let path = ProcessInfo.processInfo.environment["BLIND_RELAY_STORE"], !path.isEmpty { return path }
        return URL(fileURLWithPath: identityPath).deletingLastPathComponent().appendingPathComponent("messages.sqlite")
            .path
    }

    /// Opens the store with the identity's key.
    func open(identityPath: String, identity: ChairIdentity) throws(ChairError) -> ChairStore {
        let path = storePath(identityPath: identityPath)
        do {
            return try ChairStore(path: path, storeKey: identity.storeKey)
        } catch {
            throw ChairError(
                "cannot open the message store \(path): \(error)", hint: "check the path and its permissions")
        }
    }

    /// Unlocks the identity and opens its store.
    func unlock(_ identity: IdentityOptions) throws(ChairError) -> ChairStore {
        try open(identityPath: identity.identityPath, identity: identity.unlock())
    }
}

extension ChairStore {
    /// Every message, with errors put in the chair's words.
    func fetchMessagesForChair() throws(ChairError) -> [Message] {
        do {
            return try fetchMessages()
        } catch {
            throw ChairError("cannot read your message store: \(error)", hint: "restore it from your backup")
        }
    }

    /// What is kept of deleted messages, with errors put in the chair's words.
    func fetchKeptCountsForChair() throws(ChairError) -> KeptCounts {
        do {
            return try fetchKeptCounts()
        } catch {
            throw ChairError(
                "cannot read the counts of deleted messages: \(error)", hint: "restore your store from your backup")
        }
    }

    /// One message, or a clear error when there is no such number.
    func fetchMessageForChair(_ number: Int64) throws(ChairError) -> Message {
        let found: Message?
        do {
            found = try fetchMessage(number: number)
        } catch {
            throw ChairError("cannot read your message store: \(error)", hint: "restore it from your backup")
        }
        guard let found else {
            throw ChairError("there is no message \(number)", hint: "'chair list' shows the numbers there are")
        }
        return found
    }

    /// Records a status change or a note on message `number`, dated now: what `chair status`
    /// and `chair note` share.
    func recordForChair(_ change: WorkflowEvent.Change, on number: Int64) throws(ChairError) {
        do {
            try appendEvent(WorkflowEvent(date: Date(), change: change), to: number)
        } catch {
            let what =
                switch change {
                case .note: "the note"
                case .status: "the status"
                case .read: "that the message was read"
                }
            throw ChairError("could not save \(what): \(error)", hint: "check free disk space and try again")
        }
    }
}
