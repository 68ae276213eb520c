import CSodium
import Sodium
import Testing

@Suite("Base64 against RFC 4648 and libsodium's coder")
struct Base64Tests {
    @Test(
        "the RFC 4648 test vectors",
        arguments: [
            ("", ""), ("f", "Zg=="), ("fo", "Zm8="), ("foo", "Zm9v"), ("foob", "Zm9vYg=="), ("fooba", "Zm9vYmE="),
            ("foobar", "Zm9vYmFy"),
        ])
    func rfcVectors(plain: String, encoded: String) {
        #expect(Base64.encode(Array(plain.utf8)) == encoded)
        #expect(Base64.decode(encoded) == Array(plain.utf8))
    }

    @Test("encodes every length as libsodium does, and decodes it back")
    func encodesAsLibsodium() {
        var generator = SystemRandomNumberGenerator()
        for length in 0..<300 {
            let bytes = (0..<length).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
            let encoded = Base64.encode(bytes)
            #expect(encoded == Self.libsodiumEncode(bytes))
            #expect(Base64.decode(encoded) == bytes)
            #expect(Base64.decode(encoded[...]) == bytes, "a substring decodes too")
        }
    }

    /// Damaged ASCII text (a character swapped for one in or out of the alphabet, padding
    /// moved, non-canonical trailing bits) is accepted or refused exactly as by libsodium.
    @Test("accepts and refuses damaged ASCII text exactly as libsodium does")
    func decodesAsLibsodium() {
        let replacements = Array("AZaz09+/=-_ .\n\u{0}\u{7F}".utf8)
        var refused = 0
        for length in 1..<40 {
            for _ in 0..<60 {
                var text = Array(Base64.encode((0..<length).map { _ in UInt8.random(in: .min ... .max) }).utf8)
                let position = Int.random(in: 0..<text.count)
                text[position] = replacements.randomElement() ?? 0
                if Bool.random(), text.count > 1 { text.removeLast() }
                let ours = text.withUnsafeBufferPointer { Base64.decode($0) }
                #expect(ours == Self.libsodiumDecode(text), "\(text)")
                if ours == nil { refused += 1 }
            }
        }
        // The check above must see refusals to mean anything.
        #expect(refused > 500)
    }

    /// libsodium 1.0.18 reads some bytes above 0x7F as alphabet characters (0xFF as "/"): a text
    /// with such a byte is not canonical base64, and is refused here.
    @Test("refuses any byte outside ASCII, wherever it is")
    func refusesNonASCII() {
        for byte in UInt8(0x80)...UInt8(0xFF) {
            for position in 0..<4 {
                var text = Array("QUJD".utf8)
                text[position] = byte
                #expect(text.withUnsafeBufferPointer { Base64.decode($0) } == nil)
            }
        }
        #expect(Base64.decode("QUJD") == Array("ABC".utf8))
    }

    static func libsodiumEncode(_ bytes: [UInt8]) -> String {
        let variant = sodium_base64_VARIANT_ORIGINAL
        let length = sodium_base64_encoded_len(bytes.count, variant)
        var output = [CChar](repeating: 0, count: length)
        _ = sodium_bin2base64(&output, length, bytes, bytes.count, variant)
        return String(decoding: output.prefix(length - 1).map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// libsodium's strict decoder, restricted to whole groups of four as canonical text is.
    static func libsodiumDecode(_ text: [UInt8]) -> [UInt8]? {
        guard text.count % 4 == 0 else { return nil }
        var output = [UInt8](repeating: 0, count: text.count / 4 * 3)
        var decodedLength = 0
        let status = text.withUnsafeBufferPointer { raw in
            raw.withMemoryRebound(to: CChar.self) { chars in
                sodium_base642bin(
                    &output, output.count, chars.baseAddress, chars.count, nil, &decodedLength, nil,
                    sodium_base64_VARIANT_ORIGINAL)
            }
        }
        return status == 0 ? Array(output.prefix(decodedLength)) : nil
    }
}
