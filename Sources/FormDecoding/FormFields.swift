/// The fields of an `application/x-www-form-urlencoded` body, decoded strictly.
///
/// Our own decoder, because a person's text must never be silently altered: every `%XX` must be
/// well formed, every value valid UTF-8, and no field may appear twice (except one of check boxes
/// sharing a name, whose values are joined by spaces). Where a value is not
/// valid UTF-8 it is still kept (with U+FFFD in place of the bad bytes) so the form can be shown
/// again with the person's text in it.
public struct FormFields: Sendable, Equatable {
    /// What is wrong with the body as a whole.
    public enum Problem: Error, Equatable, Sendable {
        /// A `%` not followed by two hex digits.
        case badPercentEncoding
        /// A field named more than once (its name).
        case repeatedField(String)
        /// More fields than any real form sends.
        case tooManyFields
    }

    /// Field values by name; each is the exact text when `invalidUTF8` does not list it.
    public private(set) var values: [String: String] = [:]
    /// Fields whose bytes were not valid UTF-8.
    public private(set) var invalidUTF8: Set<String> = []
    /// A problem with the body as a whole, if any; `values` then holds what could be read.
    public private(set) var problem: Problem?

    /// More fields than this is not a real form.
    public static let maximumFieldCount = 64

    /// The value of `name`, nil when absent.
    public subscript(name: String) -> String? { values[name] }

    /// Decodes `body`, collecting what it can even when the body is malformed. A field named in
    /// `repeatable` (check boxes sharing a name) may come more than once: its values are joined
    /// with single spaces, in the order sent, which browsers make the order of the boxes.
    public init(decoding body: UnsafeRawBufferPointer, repeatable: Set<String> = []) {
        var start = 0
        var count = 0
        while start <= body.count {
            let end = body[start...].firstIndex(of: UInt8(ascii: "&")) ?? body.count
            defer { start = end + 1 }
            if end == start { continue }
            count += 1
            guard count <= Self.maximumFieldCount else {
                problem = problem ?? .tooManyFields
                break
            }
            let pair = body[start..<end]
            let equals = pair.firstIndex(of: UInt8(ascii: "=")) ?? end
            let rawName = Self.percentDecode(pair[start..<equals])
            let rawValue = Self.percentDecode(equals < end ? pair[(equals + 1)..<end] : pair[end..<end])
            if rawName.malformed || rawValue.malformed { problem = problem ?? .badPercentEncoding }
            let name = String(decoding: rawName.bytes, as: UTF8.self)
            let earlier = values[name]
            guard earlier == nil || repeatable.contains(name) else {
                problem = problem ?? .repeatedField(name)
                continue
            }
            let text = String(validating: rawValue.bytes, as: UTF8.self)
            if text == nil { invalidUTF8.insert(name) }
            let value = text ?? String(decoding: rawValue.bytes, as: UTF8.self)
            values[name] = earlier.map { $0 + " " + value } ?? value
        }
    }

    /// `+` as space and `%XX` as a byte; a malformed `%` is kept literally and reported.
    private static func percentDecode(_ bytes: Slice<UnsafeRawBufferPointer>) -> (bytes: [UInt8], malformed: Bool) {
        var malformed = false
        // Runs of plain bytes are copied whole: a browser-sealed envelope is thousands of them.
        let decoded = [UInt8](unsafeUninitializedCapacity: bytes.count) { output, written in
            written = 0
            var index = bytes.startIndex
            while index < bytes.endIndex {
                var plainEnd = index
                while plainEnd < bytes.endIndex, bytes[plainEnd] != UInt8(ascii: "+"),
                    bytes[plainEnd] != UInt8(ascii: "%")
                {
                    plainEnd += 1
                }
                if plainEnd > index {
                    let run = UnsafeRawBufferPointer(rebasing: bytes[index..<plainEnd])
                    let target = UnsafeMutableBufferPointer(rebasing: output[written..<(written + run.count)])
                    UnsafeMutableRawBufferPointer(target).copyMemory(from: run)
                    written += run.count
                    index = plainEnd
                    continue
                }
                if bytes[index] == UInt8(ascii: "+") {
                    output[written] = 0x20
                    index += 1
                } else if index + 2 < bytes.endIndex, let high = hexValue(bytes[index + 1]),
                    let low = hexValue(bytes[index + 2])
                {
                    output[written] = high << 4 | low
                    index += 3
                } else {
                    malformed = true
                    output[written] = UInt8(ascii: "%")
                    index += 1
                }
                written += 1
            }
        }
        return (decoded, malformed)
    }

    private static func hexValue(_ digit: UInt8) -> UInt8? {
        switch digit {
        case 0x30...0x39: digit - 0x30
        case 0x41...0x46: digit - 0x41 + 10
        case 0x61...0x66: digit - 0x61 + 10
        default: nil
        }
    }
}
