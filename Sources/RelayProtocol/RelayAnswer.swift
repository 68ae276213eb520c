import Foundation
import Sodium

/// The relay's answers as the chair's tool reads them: decoded, and every number checked
/// against what a relay can truly send, before anything is done with them. A relay may be
/// hostile, so a count is input like any other; after these checks no arithmetic on it can
/// overflow (docs/RELAY-API.md section 3).
///
/// Pure, bytes in and values out: it is what `make fuzz` target `answers` feeds hostile bytes to.
public enum RelayAnswer {
    /// Why an answer could not be used.
    public enum Problem: Error, Equatable, Sendable {
        /// Not the JSON this answer has.
        case unreadable
        /// Well formed, but a number or a count outside what a relay can send.
        case outOfRange
    }

    /// `GET /api/v1/relay`: the relay's 16-byte identity.
    public static func identity(_ bytes: Data) throws(Problem) -> [UInt8] {
        guard let body = try? JSONDecoder().decode(RelayIdentityBody.self, from: bytes) else { throw .unreadable }
        guard let identity = Hex.decode(body.relay), identity.count == SignedRequest.relayIdentityLength else {
            throw .outOfRange
        }
        return identity
    }

    /// `GET /api/v1/recipients`: at most `maximumSets` signed files, unchecked.
    public static func recipientSets(_ bytes: Data, maximumSets: Int) throws(Problem) -> [String] {
        guard let body = try? JSONDecoder().decode(RecipientSetsBody.self, from: bytes) else { throw .unreadable }
        guard body.sets.count <= maximumSets else { throw .outOfRange }
        return body.sets
    }

    /// `GET /api/v1/envelopes?limit=N`: at most `limit` envelopes; the head, if given, a number
    /// a relay can issue. Each envelope's own fields are checked where it is opened.
    public static func envelopePage(_ bytes: Data, limit: Int) throws(Problem) -> EnvelopePageBody {
        guard let page = try? JSONDecoder().decode(EnvelopePageBody.self, from: bytes) else { throw .unreadable }
        guard page.envelopes.count <= limit else { throw .outOfRange }
        if let head = page.head, !(0...APINumbers.maximumSequence).contains(head) { throw .outOfRange }
        return page
    }

    /// `POST /api/v1/acknowledge`: what was deleted, and how far this reader has acknowledged.
    /// An answer without a body (an older relay) counts as nothing deleted.
    public static func acknowledgement(_ bytes: Data) throws(Problem) -> AcknowledgementResultBody? {
        guard !bytes.isEmpty else { return nil }
        guard let body = try? JSONDecoder().decode(AcknowledgementResultBody.self, from: bytes) else {
            throw .unreadable
        }
        guard body.deleted >= 0, Int64(body.deleted) <= APINumbers.maximumSequence,
            (0...APINumbers.maximumSequence).contains(body.acknowledged)
        else { throw .outOfRange }
        return body
    }
}
