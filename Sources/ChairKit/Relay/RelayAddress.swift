import ArgumentParser
import Foundation

/// The relay's address as the chair's store keeps it: `https://host[:port][/path]`, scheme and
/// host in small letters, no final `/`, so that `https://Contact.example.org/` and
/// `https://contact.example.org` are the same relay.
enum RelayAddress {
    /// The address `typed` means, or nil when it is not an http(s) address of a host (a query or
    /// a fragment would be lost, so they make it not one).
    static func normalise(_ typed: String) -> String? {
        let text = typed.trimmingCharacters(in: .whitespaces)
        guard let components = URLComponents(string: text), let scheme = components.scheme?.lowercased(),
            scheme == "https" || scheme == "http", let host = components.host?.lowercased(), !host.isEmpty,
            components.query == nil, components.fragment == nil, components.user == nil
        else { return nil }
        var path = components.percentEncodedPath
        while path.hasSuffix("/") { path.removeLast() }
        let port = components.port.map { ":\($0)" } ?? ""
        return "\(scheme)://\(host)\(port)\(path)"
    }
}

/// `--relay`, for the commands that talk to the relay: optional once a pull has filled the store,
/// which then remembers the address.
struct RelayOption: ParsableArguments {
    @Option(
        help: ArgumentHelp(
            "The relay's address. Needed for the first pull; after it, the one your store was filled from.",
            valueName: "url"))
    var relay: String?

    /// The address typed, normalised, else the one `store` was filled from.
    func address(remembered store: ChairStore) throws(ChairError) -> String {
        if let relay {
            guard let address = RelayAddress.normalise(relay) else {
                throw ChairError(
                    "'\(relay)' is not a web address",
                    hint: "give the relay's address, e.g. --relay https://contact.example.org")
            }
            return address
        }
        let cursor: ChairStore.Cursor?
        do {
            cursor = try store.fetchCursor()
        } catch {
            throw ChairError("cannot read your message store", hint: "check the file named by --store")
        }
        guard let remembered = cursor?.relay else {
            throw ChairError(
                "this store has never pulled, so it does not know the relay's address",
                hint:
                    "give it once: chair pull --relay https://contact.example.org (the address the relay's host gave you)"
            )
        }
        return RelayAddress.normalise(remembered) ?? remembered
    }
}
