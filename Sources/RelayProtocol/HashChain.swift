import Sodium

/// The hash chain that links every stored envelope to the one before it (docs/RELAY-API.md),
/// so that a row deleted, altered or reordered on the host shows up at the chair's next pull.
public enum HashChain {
    /// Length of a chain value.
    public static let length = 32
    /// The value before the first envelope ever stored.
    public static let genesis = [UInt8](repeating: 0, count: length)
    static let label: [UInt8] = Array("blind-relay/v1/chain".utf8)

    /// The chain value of the envelope stored as `sequence` in hour `receivedHour`, after `previous`.
    public static func link(previous: [UInt8], sequence: Int64, receivedHour: String, envelope: [UInt8]) -> [UInt8] {
        precondition(previous.count == length, "a chain value is 32 bytes")
        let hour = Array(receivedHour.utf8)
        var hasher = SHA512()
        hasher.update(label)
        hasher.update(previous)
        hasher.update(
            (0..<8).reversed().map { UInt8(truncatingIfNeeded: UInt64(bitPattern: sequence) >> (8 * UInt64($0))) })
        hasher.update([UInt8(hour.count)])
        hasher.update(hour)
        hasher.update(SHA512.hash(envelope))
        return hasher.finalize().withUnsafeBytes { Array($0.prefix(length)) }
    }
}

/// The code a person is shown once their submission is stored: 12 characters derived from the
/// stored row's chain value, so the chair sees the same code and the relay keeps nothing extra.
public enum ReceiptCode {
    /// 32 letters and digits without 0, 1, I and O, which are easily confused.
    static let alphabet = Array("23456789ABCDEFGHJKLMNPQRSTUVWXYZ")

    /// "XXXX-XXXX-XXXX" from the first 60 bits of `chain`.
    public static func make(chain: [UInt8]) -> String {
        let value = chain.prefix(8).reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
        let characters = (0..<12).map { alphabet[Int((value >> UInt64(59 - 5 * $0)) & 0x1F)] }
        return [characters[0..<4], characters[4..<8], characters[8..<12]].map { String($0) }.joined(separator: "-")
    }
}

/// Lower-case hex, both ways.
public enum Hex {
    /// The hex text of `bytes`.
    public static func encode(_ bytes: some Sequence<UInt8>) -> String {
        let digits = Array("0123456789abcdef")
        var text = ""
        for byte in bytes {
            text.append(digits[Int(byte >> 4)])
            text.append(digits[Int(byte & 0x0F)])
        }
        return text
    }

    /// The bytes of lower- or upper-case hex text; nil for anything else.
    public static func decode(_ text: some StringProtocol) -> [UInt8]? {
        let utf8 = Array(text.utf8)
        guard utf8.count % 2 == 0 else { return nil }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(utf8.count / 2)
        for index in stride(from: 0, to: utf8.count, by: 2) {
            guard let high = value(of: utf8[index]), let low = value(of: utf8[index + 1]) else { return nil }
            bytes.append(high << 4 | low)
        }
        return bytes
    }

    private static func value(of digit: UInt8) -> UInt8? {
        switch digit {
        case 0x30...0x39: digit - 0x30
        case 0x61...0x66: digit - 0x61 + 10
        case 0x41...0x46: digit - 0x41 + 10
        default: nil
        }
    }
}
