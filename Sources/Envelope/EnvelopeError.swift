/// Why an envelope could not be opened. Each case is a distinct failure of docs/FORMAT.md.
public enum EnvelopeError: Error, Equatable, Sendable {
    /// The bytes do not start with the envelope magic.
    case notAnEnvelope
    /// The envelope is of a version this library does not read.
    case unsupportedVersion(UInt8)
    /// The envelope is shorter than its header says it must be.
    case truncated
    /// The recipient count or size class is out of range.
    case malformedHeader(String)
    /// Bytes follow the end of the envelope.
    case trailingData
    /// No stanza opens with this key: the envelope is for someone else.
    case notAddressedToThisIdentity
    /// A stanza opened but the payload did not: the envelope was altered or damaged.
    case payloadFailure
    /// The payload opened but its padding is not well formed.
    case paddingFailure(String)
    /// The armored text is not well formed.
    case armorFailure(String)
    /// The payload opened but the record inside is not well formed.
    case recordFailure(String)
    /// The record inside is of a version this library does not read.
    case unsupportedRecordVersion(UInt8)
}

extension EnvelopeError: CustomStringConvertible {
    /// A plain sentence saying what went wrong (never any plaintext).
    public var description: String {
        switch self {
        case .notAnEnvelope: "this is not a Blind Relay envelope"
        case .unsupportedVersion(let version): "this envelope is version \(version), which this tool cannot read"
        case .truncated: "the envelope is cut short"
        case .malformedHeader(let reason): "the envelope header is malformed: \(reason)"
        case .trailingData: "there are extra bytes after the end of the envelope"
        case .notAddressedToThisIdentity: "this envelope is not addressed to this identity"
        case .payloadFailure: "the envelope was altered or damaged: its contents failed authentication"
        case .paddingFailure(let reason): "the envelope's padding is malformed: \(reason)"
        case .armorFailure(let reason): "the armored text is malformed: \(reason)"
        case .recordFailure(let reason): "the submission inside the envelope is malformed: \(reason)"
        case .unsupportedRecordVersion(let version):
            "the submission inside is record version \(version), which this tool cannot read"
        }
    }
}

/// Why a submission could not be sealed.
public enum SealingError: Error, Equatable, Sendable {
    /// A field that must have text is empty (name of the field).
    case emptyField(String)
    /// The form language is not a short language tag.
    case invalidFormLanguage
    /// The encoded submission is longer than the largest size class.
    case tooLong(recordLength: Int)
    /// The number of recipients is outside 1...16.
    case recipientCount(Int)
    /// A recipient public key is not 32 bytes.
    case invalidPublicKey
    /// A recipient public key is a low-order point, which libsodium refuses to seal to.
    case unusablePublicKey
}

extension SealingError: CustomStringConvertible {
    /// A plain sentence saying what went wrong.
    public var description: String {
        switch self {
        case .emptyField(let name): "the \(name) field is empty"
        case .invalidFormLanguage: "the form language is not a valid language tag"
        case .tooLong(let length):
            "the submission is \(length) bytes once encoded; at most \(SizeClass.large.maximumRecordLength) fit"
        case .recipientCount(let count):
            "an envelope needs 1 to \(EnvelopeFormat.recipientRange.upperBound) recipients, not \(count)"
        case .invalidPublicKey: "a recipient public key is not 32 bytes long"
        case .unusablePublicKey:
            "a recipient public key is unusable (a low-order point): nobody could open what is sealed to it"
        }
    }
}
