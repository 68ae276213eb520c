/// The public structure of an envelope, checked without any key (steps 1 to 6 of section 5.1).
///
/// This is all a relay can verify about an envelope sealed elsewhere, e.g. in a browser.
public struct EnvelopeHeader: Sendable, Equatable {
    /// How many recipients the envelope is sealed to.
    public let recipientCount: Int
    /// The padded size of the payload.
    public let sizeClass: SizeClass

    /// The length of the header including stanzas.
    public var length: Int { EnvelopeFormat.fixedHeaderLength + EnvelopeFormat.stanzaLength * recipientCount }

    /// The exact length of the whole envelope.
    public var envelopeLength: Int {
        EnvelopeFormat.envelopeLength(recipients: recipientCount, sizeClass: sizeClass)
    }

    /// Parses and checks the structure of `envelope`, including its exact length.
    public init(validating envelope: [UInt8]) throws(EnvelopeError) {
        let magic = EnvelopeFormat.magic
        guard envelope.count >= magic.count, envelope.prefix(magic.count).elementsEqual(magic) else {
            throw .notAnEnvelope
        }
        if envelope.count > magic.count, envelope[magic.count] != EnvelopeFormat.version {
            throw .unsupportedVersion(envelope[magic.count])
        }
        guard envelope.count >= EnvelopeFormat.fixedHeaderLength else { throw .truncated }
        let count = Int(envelope[5])
        guard EnvelopeFormat.recipientRange.contains(count) else {
            throw .malformedHeader("it names \(count) recipients; 1 to 16 are allowed")
        }
        guard let sizeClass = SizeClass(rawValue: envelope[6]) else {
            throw .malformedHeader("size class \(envelope[6]) is not 0, 1 or 2")
        }
        let expected = EnvelopeFormat.envelopeLength(recipients: count, sizeClass: sizeClass)
        guard envelope.count >= expected else { throw .truncated }
        guard envelope.count == expected else { throw .trailingData }
        self.recipientCount = count
        self.sizeClass = sizeClass
    }
}
