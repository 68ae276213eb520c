import ChairCore
import ChairStorage
import Foundation

/// The relay's address as the chair's store keeps it: `https://host[:port][/path]`, scheme and
/// host in small letters, no final `/`, so that `https://Contact.example.org/` and
/// `https://contact.example.org` are the same relay.
package enum RelayAddress {
    /// The address `typed` means, or nil when it is not an http(s) address of a host (a query or
    /// a fragment would be lost, so they make it not one).
    package static func normalise(_ typed: String) -> String? {
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
