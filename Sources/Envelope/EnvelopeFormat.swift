/// Every constant of envelope format v1 in one place (see docs/FORMAT.md section 5).
public enum EnvelopeFormat {
    /// The first four bytes of every envelope: ASCII "BRLY".
    public static let magic: [UInt8] = Array("BRLY".utf8)
    /// The envelope version this library writes and reads.
    public static let version: UInt8 = 0x01
    /// Bytes before the first stanza: magic, version, recipient count, size class.
    public static let fixedHeaderLength = 7
    /// Every stanza is a sealed box of the 32-byte file key.
    public static let stanzaLength = 80
    /// Length of the file key sealed in each stanza.
    public static let fileKeyLength = 32
    /// The payload's authentication tag.
    public static let payloadTagLength = 16
    /// Allowed number of recipients.
    public static let recipientRange: ClosedRange<Int> = 1...16
    /// Domain label of the payload key derivation.
    public static let payloadKeyLabel: [UInt8] = Array("blind-relay/v1/payload".utf8)

    /// The exact length of an envelope with `recipients` stanzas and a payload of `sizeClass`.
    public static func envelopeLength(recipients: Int, sizeClass: SizeClass) -> Int {
        fixedHeaderLength + stanzaLength * recipients + payloadTagLength + sizeClass.paddedLength
    }
}

/// The padded sizes a payload may have, so that ciphertext length says little (section 4).
public enum SizeClass: UInt8, CaseIterable, Sendable, Comparable {
    /// 4 KiB: almost every message and contact request.
    case small = 0
    /// 16 KiB.
    case medium = 1
    /// 64 KiB: the largest record that can be sealed.
    case large = 2

    /// The padded payload length of this class.
    public var paddedLength: Int {
        switch self {
        case .small: 4096
        case .medium: 16384
        case .large: 65536
        }
    }

    /// The longest record this class holds (one byte goes to the padding marker).
    public var maximumRecordLength: Int { paddedLength - 1 }

    /// The smallest class that holds a record of `recordLength` bytes, if any does.
    public static func smallest(fitting recordLength: Int) -> SizeClass? {
        allCases.first { $0.maximumRecordLength >= recordLength }
    }

    public static func < (lhs: SizeClass, rhs: SizeClass) -> Bool { lhs.rawValue < rhs.rawValue }
}
