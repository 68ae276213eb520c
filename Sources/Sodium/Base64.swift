import CSodium

/// Standard base64 (RFC 4648 section 4, with padding), accepting only canonical input.
public enum Base64 {
    /// Encodes `bytes`.
    public static func encode<Bytes: Collection>(_ bytes: Bytes) -> String where Bytes.Element == UInt8 {
        Sodium.ensureInitialised()
        let input = Array(bytes)
        let variant = sodium_base64_VARIANT_ORIGINAL
        let length = sodium_base64_encoded_len(input.count, variant)
        var output = [CChar](repeating: 0, count: length)
        _ = sodium_bin2base64(&output, length, input, input.count, variant)
        return String(decoding: output.prefix(length - 1).map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// Decodes `text`; `nil` unless it is canonical base64 with no other characters.
    public static func decode(_ text: some StringProtocol) -> [UInt8]? {
        Sodium.ensureInitialised()
        let input = Array(text.utf8)
        guard !input.isEmpty, input.count % 4 == 0 else { return input.isEmpty ? [] : nil }
        var output = [UInt8](repeating: 0, count: input.count / 4 * 3)
        var decodedLength = 0
        let status = input.withUnsafeBufferPointer { raw in
            raw.withMemoryRebound(to: CChar.self) { chars in
                sodium_base642bin(
                    &output, output.count, chars.baseAddress, chars.count, nil, &decodedLength, nil,
                    sodium_base64_VARIANT_ORIGINAL)
            }
        }
        // With the ORIGINAL variant libsodium requires the padding and refuses non-zero unused
        // bits, and the length is a multiple of 4: so only the canonical text decodes.
        guard status == 0 else { return nil }
        return Array(output.prefix(decodedLength))
    }
}
