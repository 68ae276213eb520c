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
        link(previous: previous, sequence: sequence, receivedHour: receivedHour, envelopeDigest: SHA512.hash(envelope))
    }

    /// `link` with the envelope's SHA-512 given, for trying one envelope at many places.
    public static func link(previous: [UInt8], sequence: Int64, receivedHour: String, envelopeDigest: [UInt8])
        -> [UInt8]
    {
        precondition(previous.count == length, "a chain value is 32 bytes")
        let hour = Array(receivedHour.utf8)
        var hasher = SHA512()
        hasher.update(label)
        hasher.update(previous)
        hasher.update(bigEndian(sequence))
        hasher.update([UInt8(hour.count)])
        hasher.update(hour)
        hasher.update(envelopeDigest)
        return hasher.finalize().withUnsafeBytes { Array($0.prefix(length)) }
    }

    static let restartLabel: [UInt8] = Array("blind-relay/v1/restart".utf8)

    /// The chain value the first envelope after lost sequence numbers `first...last` links from
    /// (a store put back from an earlier copy): anyone who knows the relay's identity and the
    /// range can compute it, so the chain stays checkable across the gap.
    public static func restart(relay: [UInt8], first: Int64, last: Int64) -> [UInt8] {
        var hasher = SHA512()
        hasher.update(restartLabel)
        hasher.update(relay)
        hasher.update(bigEndian(first))
        hasher.update(bigEndian(last))
        return hasher.finalize().withUnsafeBytes { Array($0.prefix(length)) }
    }

    private static func bigEndian(_ value: Int64) -> [UInt8] {
        (0..<8).reversed().map { UInt8(truncatingIfNeeded: UInt64(bitPattern: value) >> (8 * UInt64($0))) }
    }
}

/// The code a person is shown once their submission is stored: 12 characters derived from the
/// stored row's chain value, so the chair sees the same code and the relay keeps nothing extra.
public enum ReceiptCode {
    /// 32 letters and digits without 0, 1, I and O, which are easily confused.
    static let alphabet = Array("23456789ABCDEFGHJKLMNPQRSTUVWXYZ")

    /// A code as a person might read or type it (small letters, spaces, dashes, or none) in the
    /// form `make` writes; nil when it cannot be one.
    public static func normalise(_ typed: String) -> String? {
        let characters = Array(typed.uppercased().filter { $0 != " " && $0 != "-" })
        guard characters.count == 12, characters.allSatisfy(alphabet.contains) else { return nil }
        return [characters[0..<4], characters[4..<8], characters[8..<12]].map { String($0) }.joined(separator: "-")
    }

    /// "XXXX-XXXX-XXXX" from the first 60 bits of `chain`.
    public static func make(chain: [UInt8]) -> String {
        let value = chain.prefix(8).reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
        let characters = (0..<12).map { alphabet[Int((value >> UInt64(59 - 5 * $0)) & 0x1F)] }
        return [characters[0..<4], characters[4..<8], characters[8..<12]].map { String($0) }.joined(separator: "-")
    }
}
