/// The JSON of a page of envelopes, written directly.
///
/// Foundation's `JSONEncoder` escapes strings one character at a time; a page is hundreds of
/// kilobytes of base64, which then took a quarter of the relay's time in a pull. The output is
/// the same JSON document (`JSONDecoder` reads it back as the same page; the tests check it).
extension EnvelopePageBody {
    /// The page as UTF-8 JSON, with the keys `EnvelopePageBody`'s `Codable` conformance uses.
    public var json: [UInt8] {
        var output: [UInt8] = []
        output.reserveCapacity(64 + envelopes.reduce(0) { $0 + $1.envelope.utf8.count + 160 })
        output.append(contentsOf: #"{"previousChain":"#.utf8)
        if let previousChain { Self.appendString(previousChain, to: &output) } else { output += "null".utf8 }
        output.append(contentsOf: #","envelopes":["#.utf8)
        for (index, envelope) in envelopes.enumerated() {
            if index > 0 { output.append(UInt8(ascii: ",")) }
            output.append(contentsOf: #"{"sequence":"#.utf8)
            output.append(contentsOf: String(envelope.sequence).utf8)
            output.append(contentsOf: #","receivedHour":"#.utf8)
            Self.appendString(envelope.receivedHour, to: &output)
            output.append(contentsOf: #","envelope":"#.utf8)
            Self.appendString(envelope.envelope, to: &output)
            output.append(contentsOf: #","chain":"#.utf8)
            Self.appendString(envelope.chain, to: &output)
            output.append(UInt8(ascii: "}"))
        }
        output.append(contentsOf: #"],"hasMore":"#.utf8)
        output.append(contentsOf: (hasMore ? "true" : "false").utf8)
        output.append(contentsOf: #","storeFull":"#.utf8)
        output.append(contentsOf: (storeFull ? "true" : "false").utf8)
        if let lost {
            output.append(contentsOf: #","lost":["#.utf8)
            for (index, range) in lost.enumerated() {
                if index > 0 { output.append(UInt8(ascii: ",")) }
                output.append(contentsOf: #"{"first":"#.utf8)
                output.append(contentsOf: String(range.first).utf8)
                output.append(contentsOf: #","last":"#.utf8)
                output.append(contentsOf: String(range.last).utf8)
                output.append(UInt8(ascii: "}"))
            }
            output.append(UInt8(ascii: "]"))
        }
        if let head {
            output.append(contentsOf: #","head":"#.utf8)
            output.append(contentsOf: String(head).utf8)
        }
        output.append(UInt8(ascii: "}"))
        return output
    }

    /// `text` as a JSON string: quotes, backslashes and control characters escaped (RFC 8259
    /// section 7), every other character as its UTF-8 bytes.
    static func appendString(_ text: String, to output: inout [UInt8]) {
        func needsEscape(_ byte: UInt8) -> Bool {
            byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\")
        }
        output.append(UInt8(ascii: "\""))
        // Base64, hex and hours never need escaping: copied whole.
        var text = text
        let copied = text.withUTF8 { bytes in
            guard !bytes.contains(where: needsEscape) else { return false }
            output.append(contentsOf: bytes)
            return true
        }
        if copied {
            output.append(UInt8(ascii: "\""))
            return
        }
        let hexDigits = Array("0123456789abcdef".utf8)
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "\""), UInt8(ascii: "\\"):
                output.append(UInt8(ascii: "\\"))
                output.append(byte)
            case 0..<0x20:
                output.append(contentsOf: #"\u00"#.utf8)
                output.append(hexDigits[Int(byte >> 4)])
                output.append(hexDigits[Int(byte & 0x0F)])
            default:
                output.append(byte)
            }
        }
        output.append(UInt8(ascii: "\""))
    }
}
