import Foundation
import HTTPTypes
import Hummingbird
import Sodium

/// Whom a submission is charged to by the rate limiter: one IPv4 address, or one IPv6 /64
/// network (a home or a phone is given a whole /64, so finer keys would let one client pose as
/// millions). The key is hashed by the limiter and never leaves memory.
struct ClientAddress {
    /// "v4:" or "v6:" and the hex of the address or network; nil when the address is unknown.
    let key: String?

    /// The proxy's header when one is named (the last address across all of its lines, which
    /// is the one the proxy itself added), else the connection's peer.
    init(request: Request, context: RelayRequestContext, header: String) {
        var text: String?
        if !header.isEmpty, let name = HTTPField.Name(header) {
            // Each line may list several addresses; a client can send lines of its own before the
            // proxy's, so only the very last entry is the proxy's word.
            text =
                request.headers[values: name].flatMap { $0.split(separator: ",") }.last
                .map { $0.trimmingCharacters(in: .whitespaces) }
        }
        key = Self.networkKey(text ?? context.peerAddress)
    }

    /// The key for an address as text; text that is no address is keyed as it is.
    static func networkKey(_ address: String?) -> String? {
        guard var text = address, !text.isEmpty else { return nil }
        if text.hasPrefix("["), let close = text.firstIndex(of: "]") {
            text = String(text[text.index(after: text.startIndex)..<close])
        }
        if let zone = text.firstIndex(of: "%") { text = String(text[..<zone]) }
        // "1.2.3.4:5678": an IPv4 address with a port.
        if text.contains("."), text.filter({ $0 == ":" }).count == 1, let colon = text.firstIndex(of: ":") {
            text = String(text[..<colon])
        }
        var v4 = in_addr()
        if inet_pton(AF_INET, text, &v4) == 1 {
            return "v4:" + withUnsafeBytes(of: &v4) { Hex.encode(Array($0)) }
        }
        var v6 = in6_addr()
        if inet_pton(AF_INET6, text, &v6) == 1 {
            let bytes = withUnsafeBytes(of: &v6) { Array($0) }
            // An IPv4 address written as IPv6 (::ffff:a.b.c.d) is that IPv4 address.
            if bytes[0..<10].allSatisfy({ $0 == 0 }) && bytes[10] == 0xFF && bytes[11] == 0xFF {
                return "v4:" + Hex.encode(Array(bytes[12..<16]))
            }
            return "v6:" + Hex.encode(Array(bytes[0..<8]))
        }
        return "text:" + text
    }
}
