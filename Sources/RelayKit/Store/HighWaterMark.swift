import Foundation
import Sodium
import Synchronization

/// The highest sequence number the store has ever issued, kept in a small file beside the
/// database (`high-water`), outside it: a database put back from an earlier copy then holds less
/// than the mark says, and the relay knows at start that it was restored, and which numbers went.
///
/// The file is replaced whole (write beside it, rename) after every commit, without `fsync`:
/// after a power cut it can only be behind, never ahead, and behind merely names less.
final class HighWaterMark: Sendable {
    /// What the file says.
    struct Reading: Equatable {
        let relay: [UInt8]
        let sequence: Int64
    }

    static let firstLine = "blind-relay-high-water-v1"

    let path: String
    private let written: Mutex<Int64>

    init(path: String, written: Int64) {
        self.path = path
        self.written = Mutex(written)
    }

    /// The mark beside the store at `storePath`.
    static func path(besideStoreAt storePath: String) -> String {
        ((storePath as NSString).deletingLastPathComponent as NSString).appendingPathComponent("high-water")
    }

    /// The file's reading; nil when there is no file, or it cannot be read as a mark.
    static func read(at path: String) -> Reading? {
        guard let data = FileManager.default.contents(atPath: path),
            let text = String(data: data, encoding: .utf8)
        else { return nil }
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        guard lines.count == 4, lines[0] == firstLine, lines[3].isEmpty, lines[1].hasPrefix("relay: "),
            lines[2].hasPrefix("sequence: "),
            let relay = Hex.decode(String(lines[1].dropFirst("relay: ".count))),
            let sequence = Int64(lines[2].dropFirst("sequence: ".count)), sequence >= 0
        else { return nil }
        return Reading(relay: relay, sequence: sequence)
    }

    /// Records `sequence` for `relay` if it is beyond what was last written.
    func advance(to sequence: Int64, relay: [UInt8]) throws {
        try written.withLock { written in
            guard sequence > written else { return }
            try Self.write(Reading(relay: relay, sequence: sequence), to: path)
            written = sequence
        }
    }

    /// Writes the mark whole, whatever it said before.
    static func write(_ reading: Reading, to path: String) throws {
        let text = "\(firstLine)\nrelay: \(Hex.encode(reading.relay))\nsequence: \(reading.sequence)\n"
        let temporary = path + ".new"
        guard FileManager.default.createFile(atPath: temporary, contents: Data(text.utf8)),
            rename(temporary, path) == 0
        else {
            throw CocoaError(.fileWriteUnknown)
        }
    }
}
