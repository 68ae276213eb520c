import Foundation
import Sodium

/// Everything the chair's store keeps about one message, as one plaintext that is then padded
/// and sealed whole (`StoreCipher`): the relay's sequence number, hour and chain value, the
/// record (or the envelope that would not open, and why), and the chair's statuses and notes.
/// Nothing about a message is left in a column of its own.
///
/// Layout, integers big-endian:
///
///     u8 version (1) || i64 relay_sequence || u8 len || received_hour || chain (32)
///     || u8 kind (`ContentKind`) || u32 len || content || u32 len || events (JSON)
///
/// where `content` is the record; or, when unreadable, the reason in UTF-8, a zero byte and the
/// envelope; or, when set aside, the `SetAsideReason` as JSON, a zero byte and the record;
/// `events` is the JSON array of `WorkflowEvent`s, oldest first.
package struct StoredMessage {
    package var relaySequence: Int64
    package var receivedHour: String
    package var chain: [UInt8]
    package var content: ChairStore.Incoming.Content
    package var events: [WorkflowEvent]

    package static let version: UInt8 = 1

    /// Which of `ChairStore.Incoming.Content`'s cases the content bytes hold; the byte is stored.
    package enum ContentKind: UInt8 {
        case record = 1
        case unreadable = 2
        case setAside = 3
    }

    /// Why a row's plaintext could not be read.
    package struct Malformed: Error {
        package init() {}
    }

    package func encode() throws -> SecretBytes {
        let hour = Array(receivedHour.utf8)
        guard hour.count <= 255, chain.count == 32 else { throw Malformed() }
        let kind: ContentKind
        let contentBytes: SecretBytes
        switch content {
        case .record(let record):
            kind = .record
            contentBytes = record
        case .unreadable(let envelope, let problem):
            kind = .unreadable
            contentBytes = SecretBytes(copying: Array(problem.utf8) + [0] + envelope)
        case .setAside(let record, let reason):
            kind = .setAside
            let reasonBytes = Array(try JSONEncoder().encode(reason))
            contentBytes = SecretBytes(count: reasonBytes.count + 1 + record.count) {
                (output: UnsafeMutableRawBufferPointer) in
                output.copyBytes(from: reasonBytes + [0])
                record.withUnsafeBytes {
                    UnsafeMutableRawBufferPointer(rebasing: output[(reasonBytes.count + 1)...]).copyMemory(from: $0)
                }
            }
        }
        let eventBytes = SecretBytes(copying: try JSONEncoder().encode(events))
        var head: [UInt8] = [Self.version]
        head += Self.bigEndian(UInt64(bitPattern: relaySequence), bytes: 8)
        head += [UInt8(hour.count)] + hour + chain + [kind.rawValue]
        let total = head.count + 4 + contentBytes.count + 4 + eventBytes.count
        return SecretBytes(count: total) { (output: UnsafeMutableRawBufferPointer) in
            var offset = 0
            func append(_ bytes: UnsafeRawBufferPointer) {
                UnsafeMutableRawBufferPointer(rebasing: output[offset..<(offset + bytes.count)]).copyMemory(from: bytes)
                offset += bytes.count
            }
            head.withUnsafeBytes(append)
            Self.bigEndian(UInt64(contentBytes.count), bytes: 4).withUnsafeBytes(append)
            contentBytes.withUnsafeBytes(append)
            Self.bigEndian(UInt64(eventBytes.count), bytes: 4).withUnsafeBytes(append)
            eventBytes.withUnsafeBytes(append)
        }
    }

    package static func decode(_ plaintext: SecretBytes) throws -> StoredMessage {
        try plaintext.withUnsafeBytes { bytes throws -> StoredMessage in
            var offset = 0
            func take(_ count: Int) throws -> UnsafeRawBufferPointer {
                guard count >= 0, count <= bytes.count - offset else { throw Malformed() }
                defer { offset += count }
                return UnsafeRawBufferPointer(rebasing: bytes[offset..<(offset + count)])
            }
            func number(_ count: Int) throws -> UInt64 {
                try take(count).reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
            }
            guard try take(1)[0] == version else { throw Malformed() }
            let sequence = Int64(bitPattern: try number(8))
            let hour = String(decoding: try take(Int(try take(1)[0])), as: UTF8.self)
            let chain = Array(try take(32))
            guard let kind = ContentKind(rawValue: try take(1)[0]) else { throw Malformed() }
            let contentBytes = try take(Int(try number(4)))
            let content: ChairStore.Incoming.Content
            switch kind {
            case .record: content = .record(SecretBytes(copying: contentBytes))
            case .unreadable:
                let zero = contentBytes.firstIndex(of: 0) ?? contentBytes.count
                content = .unreadable(
                    envelope: Array(contentBytes[min(zero + 1, contentBytes.count)...]),
                    problem: String(decoding: contentBytes[..<zero], as: UTF8.self))
            case .setAside:
                guard let zero = contentBytes.firstIndex(of: 0) else { throw Malformed() }
                let reason = try JSONDecoder().decode(SetAsideReason.self, from: Data(contentBytes[..<zero]))
                content = .setAside(
                    record: SecretBytes(copying: contentBytes[(zero + 1)...]),
                    reason: reason)
            }
            let events = try JSONDecoder().decode([WorkflowEvent].self, from: Data(try take(Int(try number(4)))))
            guard offset == bytes.count else { throw Malformed() }
            return StoredMessage(
                relaySequence: sequence, receivedHour: hour, chain: chain, content: content, events: events)
        }
    }

    private static func bigEndian(_ value: UInt64, bytes: Int) -> [UInt8] {
        (0..<bytes).reversed().map { UInt8(truncatingIfNeeded: value >> (8 * UInt64($0))) }
    }
}
