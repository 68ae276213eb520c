import ArgumentParser
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
}
