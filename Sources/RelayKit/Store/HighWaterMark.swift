import Foundation
import RelayProtocol
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
            let sequence = APINumbers.parseDecimal(
                lines[2].dropFirst("sequence: ".count), maximum: APINumbers.maximumSequence)
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

    /// Why the mark could not be written: the failing call and its errno.
    struct WriteFailure: Error, CustomStringConvertible {
        let call: String
        let code: Int32
        var description: String { "\(call) failed: \(String(cString: strerror(code)))" }
    }

    /// Writes the mark whole, whatever it said before: plain POSIX calls, every one checked, as
    /// this runs after every commit.
    static func write(_ reading: Reading, to path: String) throws {
        let text = Array("\(firstLine)\nrelay: \(Hex.encode(reading.relay))\nsequence: \(reading.sequence)\n".utf8)
        let temporary = path + ".new"
        let descriptor = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else { throw WriteFailure(call: "open", code: errno) }
        var written = 0
        while written < text.count {
            let result = text[written...].withUnsafeBytes { Glibc.write(descriptor, $0.baseAddress, $0.count) }
            if result < 0, errno == EINTR { continue }
            guard result > 0 else {
                let code = errno
                close(descriptor)
                throw WriteFailure(call: "write", code: code)
            }
            written += result
        }
        guard close(descriptor) == 0 else { throw WriteFailure(call: "close", code: errno) }
        guard rename(temporary, path) == 0 else { throw WriteFailure(call: "rename", code: errno) }
    }
}
