/// Standard base64 (RFC 4648 section 4, with padding), accepting only canonical input.
///
/// Only public bytes and ciphertext travel in base64 here: envelopes, the encrypted identity
/// file, public keys, signatures and hashes. So this is a plain table lookup, not libsodium's
/// constant-time coder, which took 12 % of the relay's time on a browser-sealed post; the tests
/// hold the two to the same answers. Secret bytes must not be passed through it.
public enum Base64 {
    private static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)
    /// Each character's 6-bit value; 0xFF for anything outside the alphabet (including "=").
    private static let values: [UInt8] = {
        var values = [UInt8](repeating: 0xFF, count: 256)
        for (value, character) in alphabet.enumerated() { values[Int(character)] = UInt8(value) }
        return values
    }()
    private static let pad = UInt8(ascii: "=")

    /// Encodes `bytes`.
    public static func encode<Bytes: Collection>(_ bytes: Bytes) -> String where Bytes.Element == UInt8 {
        if let encoded = bytes.withContiguousStorageIfAvailable(encode) { return encoded }
        return Array(bytes).withUnsafeBufferPointer(encode)
    }

    private static func encode(_ input: UnsafeBufferPointer<UInt8>) -> String {
        let length = (input.count + 2) / 3 * 4
        return String(unsafeUninitializedCapacity: length) { output in
            alphabet.withUnsafeBufferPointer { alphabet in
                func character(_ bits: UInt32) -> UInt8 { alphabet[Int(bits & 63)] }
                var read = 0
                var written = 0
                while input.count - read >= 3 {
                    let bits = UInt32(input[read]) << 16 | UInt32(input[read + 1]) << 8 | UInt32(input[read + 2])
                    output[written] = character(bits >> 18)
                    output[written + 1] = character(bits >> 12)
                    output[written + 2] = character(bits >> 6)
                    output[written + 3] = character(bits)
                    read += 3
                    written += 4
                }
                switch input.count - read {
                case 1:
                    let bits = UInt32(input[read]) << 16
                    output[written] = character(bits >> 18)
                    output[written + 1] = character(bits >> 12)
                    output[written + 2] = pad
                    output[written + 3] = pad
                case 2:
                    let bits = UInt32(input[read]) << 16 | UInt32(input[read + 1]) << 8
                    output[written] = character(bits >> 18)
                    output[written + 1] = character(bits >> 12)
                    output[written + 2] = character(bits >> 6)
                    output[written + 3] = pad
                default: break
                }
            }
            return length
        }
    }

    /// Decodes `text`; `nil` unless it is canonical base64 with no other characters.
    public static func decode(_ text: some StringProtocol) -> [UInt8]? {
        if let decoded = text.utf8.withContiguousStorageIfAvailable(decode) { return decoded }
        return Array(text.utf8).withUnsafeBufferPointer(decode)
    }

    /// Decodes canonical base64 bytes: padded to a multiple of 4, "=" only at the end, and the
    /// bits the padding leaves over all zero, so each byte string has exactly one text.
    public static func decode(_ input: UnsafeBufferPointer<UInt8>) -> [UInt8]? {
        guard input.count % 4 == 0 else { return nil }
        guard !input.isEmpty else { return [] }
        let padding = input[input.count - 1] != pad ? 0 : input[input.count - 2] != pad ? 1 : 2
        let decodedCount = input.count / 4 * 3 - padding
        var invalid: UInt8 = 0
        let decoded = values.withUnsafeBufferPointer { values in
            [UInt8](unsafeUninitializedCapacity: decodedCount) { output, initialised in
                // Valid values are below 64, so any character outside the alphabet sets a high bit.
                func value(_ index: Int) -> UInt32 {
                    let value = values[Int(input[index])]
                    invalid |= value
                    return UInt32(value & 63)
                }
                let wholeGroups = input.count / 4 - (padding == 0 ? 0 : 1)
                var read = 0
                var written = 0
                for _ in 0..<wholeGroups {
                    let bits = value(read) << 18 | value(read + 1) << 12 | value(read + 2) << 6 | value(read + 3)
                    output[written] = UInt8(truncatingIfNeeded: bits >> 16)
                    output[written + 1] = UInt8(truncatingIfNeeded: bits >> 8)
                    output[written + 2] = UInt8(truncatingIfNeeded: bits)
                    read += 4
                    written += 3
                }
                if padding == 1 {
                    let bits = value(read) << 18 | value(read + 1) << 12 | value(read + 2) << 6
                    if bits & 0xFF != 0 { invalid |= 0x80 }
                    output[written] = UInt8(truncatingIfNeeded: bits >> 16)
                    output[written + 1] = UInt8(truncatingIfNeeded: bits >> 8)
                } else if padding == 2 {
                    let bits = value(read) << 18 | value(read + 1) << 12
                    if bits & 0xFFFF != 0 { invalid |= 0x80 }
                    output[written] = UInt8(truncatingIfNeeded: bits >> 16)
                }
                initialised = decodedCount
            }
        }
        return invalid & 0xC0 == 0 ? decoded : nil
    }
}
