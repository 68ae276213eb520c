import FormDecoding
import Testing

@Suite("Form body decoding")
struct FormFieldsTests {
    static func decode(_ body: [UInt8]) -> FormFields { body.withUnsafeBytes { FormFields(decoding: $0) } }

    @Test("plus, percent escapes, empty values and names decode as browsers encode them")
    func knownAnswers() {
        let fields = Self.decode(Array("message=caf%C3%A9+at+9%25&empty=&%6Eame=x%2By&flag".utf8))
        #expect(fields.values == ["message": "café at 9%", "empty": "", "name": "x+y", "flag": ""])
        #expect(fields.problem == nil)
        #expect(fields.invalidUTF8.isEmpty)
    }

    @Test("a malformed escape is kept literally and reported", arguments: ["a=100%", "a=%4", "a=%G1", "a=%%41"])
    func malformedEscape(body: String) {
        let fields = Self.decode(Array(body.utf8))
        #expect(fields.problem == .badPercentEncoding)
        #expect(fields["a"]?.contains("%") == true, "the stray % stays in the text")
    }

    /// The decoder copies runs of plain bytes whole; this holds it to the byte-at-a-time rule.
    @Test("values decode exactly as the byte-at-a-time rule says, on random bodies")
    func matchesReferenceRule() {
        let pieces = ["a", "Z", "+", "%", "%2", "%2B", "%zz", "%41", "%e2%80%99", "%FF", "%3D", "é", "0", " "]
        for _ in 0..<2_000 {
            let value = (0..<Int.random(in: 0..<24)).map { _ in pieces.randomElement() ?? "" }.joined()
            let fields = Self.decode(Array("v=\(value)".utf8))
            let expected = Self.referenceDecode(Array(value.utf8))
            #expect(fields["v"] == String(decoding: expected.bytes, as: UTF8.self), "\(value)")
            #expect((fields.problem == .badPercentEncoding) == expected.malformed, "\(value)")
            #expect(fields.invalidUTF8.contains("v") == (String(validating: expected.bytes, as: UTF8.self) == nil))
        }
    }

    static func referenceDecode(_ bytes: [UInt8]) -> (bytes: [UInt8], malformed: Bool) {
        func hex(_ byte: UInt8) -> UInt8? { UInt8(String(UnicodeScalar(byte)), radix: 16) }
        var output: [UInt8] = []
        var malformed = false
        var index = 0
        while index < bytes.count {
            if bytes[index] == UInt8(ascii: "+") {
                output.append(0x20)
            } else if bytes[index] == UInt8(ascii: "%") {
                if index + 2 < bytes.count, let high = hex(bytes[index + 1]), let low = hex(bytes[index + 2]) {
                    output.append(high << 4 | low)
                    index += 3
                    continue
                }
                malformed = true
                output.append(bytes[index])
            } else {
                output.append(bytes[index])
            }
            index += 1
        }
        return (output, malformed)
    }
}
