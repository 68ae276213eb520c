import ChairCore
import ChairStorage
import ChairSync
import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// Reads the shell's input a line at a time from a descriptor, giving up after a time without
/// one: its own buffer, so that waiting (`poll`) never misses a line already read in.
///
/// `standardInput` is the one reader of standard input for the whole process: the shell reads
/// its commands from it and a command run in the shell reads its confirmation from it, in turn,
/// so neither takes lines meant for the other into a buffer of its own.
final class CommandLineReader: @unchecked Sendable {
    static let standardInput = CommandLineReader()

    enum Input: Equatable {
        case line(String)
        case end
        case timedOut
    }

    private let descriptor: Int32
    private var buffer: [UInt8] = []
    private var ended = false
    /// A line longer than this is cut off there: no command needs more.
    static let longestLine = 64 * 1024

    init(descriptor: Int32 = STDIN_FILENO) {
        self.descriptor = descriptor
    }

    func next(timeoutSeconds: Double) -> Input {
        let deadline = Date().addingTimeInterval(timeoutSeconds)
        while true {
            if let newline = buffer.firstIndex(of: 0x0A) {
                let line = buffer[..<newline]
                buffer.removeSubrange(...newline)
                return .line(String(decoding: line, as: UTF8.self))
            }
            if ended || buffer.count >= Self.longestLine {
                guard !buffer.isEmpty else { return .end }
                defer { buffer.removeAll() }
                return .line(String(decoding: buffer, as: UTF8.self))
            }
            let left = deadline.timeIntervalSinceNow
            guard left > 0 else { return .timedOut }
            var waiting = pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0)
            let ready = poll(&waiting, 1, Int32(min(left * 1000, 60_000).rounded(.up)))
            if ready < 0 {
                if errno == EINTR { continue }
                ended = true
                continue
            }
            guard ready > 0 else { continue }
            var chunk = [UInt8](repeating: 0, count: 4096)
            let count = chunk.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
            if count < 0, errno == EINTR { continue }
            if count <= 0 {
                ended = true
            } else {
                buffer += chunk[..<count]
            }
        }
    }
}

/// Splits a line as a Unix shell would for simple commands: words apart by spaces, kept
/// together by single or double quotes, a backslash taking the next character as it is.
enum ShellWords {
    struct Unclosed: Error {}

    static func split(_ line: String) throws(Unclosed) -> [String] {
        var words: [String] = []
        var word = ""
        var inWord = false
        var quote: Character?
        var escaped = false
        for character in line {
            if escaped {
                word.append(character)
                escaped = false
                continue
            }
            switch (quote, character) {
            case ("'", "'"), ("\"", "\""):
                quote = nil
            case ("'", _):
                word.append(character)
            case ("\"", "\\"), (nil, "\\"):
                escaped = true
                inWord = true
            case ("\"", _):
                word.append(character)
            case (nil, "'"), (nil, "\""):
                quote = character
                inWord = true
            case (nil, _) where character.isWhitespace:
                if inWord { words.append(word) }
                word = ""
                inWord = false
            default:
                word.append(character)
                inWord = true
            }
        }
        guard quote == nil, !escaped else { throw Unclosed() }
        if inWord { words.append(word) }
        return words
    }
}
