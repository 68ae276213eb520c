import Envelope
import Sodium
import Testing

@Suite("Sealing then opening")
struct RoundTripTests {
    /// A message whose record is exactly `recordLength` bytes: version byte, 3-byte field header.
    static func submission(recordLength: Int) -> Submission {
        Submission(message: String(repeating: "x", count: recordLength - 4))
    }

    /// Record lengths at the edges of each size class, and the class each must land in.
    static let edges: [(Int, SizeClass)] = [
        (5, .small), (4095, .small), (4096, .medium), (16383, .medium), (16384, .large), (65535, .large),
    ]

    @Test("every recipient opens what was sealed, at every size-class edge", arguments: [1, 2, 3])
    func everyRecipientOpens(recipientCount: Int) async throws {
        let recipients = (0..<recipientCount).map { _ in BoxKeyPair.generate() }
        let stranger = BoxKeyPair.generate()
        for (recordLength, sizeClass) in Self.edges {
            let submission = Self.submission(recordLength: recordLength)
            let envelope = try Envelope.seal(submission, to: recipients.map(\.publicKey))
            #expect(envelope.count == EnvelopeFormat.envelopeLength(recipients: recipientCount, sizeClass: sizeClass))
            #expect(try EnvelopeHeader(validating: envelope).sizeClass == sizeClass)
            for recipient in recipients {
                #expect(try Envelope.open(envelope, with: recipient) == submission)
            }
            #expect(throws: EnvelopeError.notAddressedToThisIdentity) { try Envelope.open(envelope, with: stranger) }
        }
    }

    @Test("a record of 65,536 bytes or more is refused, not truncated")
    func oversizedRecordIsRefused() {
        let recipient = BoxKeyPair.generate()
        #expect(throws: SealingError.tooLong(recordLength: 65536)) {
            try Envelope.seal(Self.submission(recordLength: 65536), to: [recipient.publicKey])
        }
    }

    @Test("every field survives, including Welsh, emoji, right-to-left text and a contact request")
    func everyFieldSurvives() async throws {
        let recipient = BoxKeyPair.generate()
        let submission = Submission(
            message: "Line one\nLine two — ‘quoted’ 🏳️‍🌈 שלום עליכם مرحبا ŵŷ",
            categories: [.transgenderIdentity, .sexOrGender],
            location: "Caerdydd", time: "ddoe", formLanguage: "cy",
            contact: ContactRequest(
                name: "Alex", method: .letter, details: "1 Stryd Fawr\nCaerdydd", safeTimes: "any",
                mayLeaveMessage: true, language: "Cymraeg", avoid: "no police mention"))
        let envelope = try Envelope.seal(submission, to: [recipient.publicKey])
        let opened = try Envelope.open(envelope, with: recipient)
        #expect(opened == submission)
        #expect(opened.kind == .contactRequest)
    }

    @Test("a contact request and a message of similar length seal to the same length")
    func contactRequestLooksLikeMessage() async throws {
        let recipient = BoxKeyPair.generate()
        let message = Submission(message: String(repeating: "m", count: 300))
        let request = Submission(
            message: String(repeating: "m", count: 200),
            contact: ContactRequest(method: .email, details: "someone@example.org"))
        let sealedMessage = try Envelope.seal(message, to: [recipient.publicKey])
        let sealedRequest = try Envelope.seal(request, to: [recipient.publicKey])
        #expect(sealedMessage.count == sealedRequest.count)
        #expect(sealedMessage != sealedRequest)
    }

    @Test("sealing refuses empty fields, bad languages, bad recipients")
    func sealingRefusesBadInput() {
        let key = BoxKeyPair.generate().publicKey
        #expect(throws: SealingError.emptyField("message")) { try Envelope.seal(Submission(message: ""), to: [key]) }
        #expect(throws: SealingError.emptyField("where")) {
            try Envelope.seal(Submission(message: "hi", location: ""), to: [key])
        }
        #expect(throws: SealingError.invalidFormLanguage) {
            try Envelope.seal(Submission(message: "hi", formLanguage: "en GB"), to: [key])
        }
        #expect(throws: SealingError.recipientCount(0)) { try Envelope.seal(Submission(message: "hi"), to: []) }
        #expect(throws: SealingError.recipientCount(17)) {
            try Envelope.seal(Submission(message: "hi"), to: Array(repeating: key, count: 17))
        }
        #expect(throws: SealingError.invalidPublicKey) {
            try Envelope.seal(Submission(message: "hi"), to: [[1, 2, 3]])
        }
    }

    @Test("armor round-trips and is told apart from binary")
    func armorRoundTrips() async throws {
        let recipient = BoxKeyPair.generate()
        let envelope = try Envelope.seal(Submission(message: "hello"), to: [recipient.publicKey])
        let armored = Array(Armor.encode(envelope, label: Armor.envelopeLabel).utf8)
        #expect(Armor.looksArmored(armored))
        #expect(!Armor.looksArmored(envelope))
        #expect(try Envelope.decodeAnyForm(armored) == envelope)
        #expect(try Envelope.decodeAnyForm(envelope) == envelope)
    }
}

@Suite("Tampering")
struct TamperingTests {
    /// Every bit of a one-recipient envelope, flipped on its own, is rejected with a typed error.
    @Test("any single flipped bit is rejected with a typed error")
    func everyFlippedBitIsRejected() async throws {
        let recipient = BoxKeyPair.generate()
        let envelope = try Envelope.seal(Submission(message: "tamper with me"), to: [recipient.publicKey])
        var outcomes: [String: Int] = [:]
        for bit in 0..<(envelope.count * 8) {
            var altered = envelope
            altered[bit / 8] ^= UInt8(1 << (bit % 8))
            do {
                _ = try Envelope.open(altered, with: recipient)
                Issue.record("bit \(bit) flipped and the envelope still opened")
            } catch {
                outcomes[String(describing: error).prefix(20).description, default: 0] += 1
            }
        }
        // Magic, version, count, class, stanza and payload each fail in their own way.
        #expect(outcomes.count >= 5, "\(outcomes)")
    }

    /// With two recipients, a bit flipped in the other recipient's stanza also breaks the envelope.
    @Test(
        "flipping a bit in another recipient's stanza is detected", arguments: Array(stride(from: 87, to: 167, by: 7)))
    func otherStanzaIsBound(byte: Int) async throws {
        let first = BoxKeyPair.generate()
        let second = BoxKeyPair.generate()
        var envelope = try Envelope.seal(Submission(message: "two readers"), to: [first.publicKey, second.publicKey])
        envelope[byte] ^= 0x10
        #expect(throws: EnvelopeError.payloadFailure) { try Envelope.open(envelope, with: first) }
    }

    @Test("a bit flipped in armored text is rejected", arguments: [40, 100, 1000, 3000, 5000])
    func armoredFlipIsRejected(characterIndex: Int) async throws {
        let recipient = BoxKeyPair.generate()
        let envelope = try Envelope.seal(Submission(message: "armored"), to: [recipient.publicKey])
        var text = Array(Armor.encode(envelope, label: Armor.envelopeLabel).utf8)
        text[characterIndex] ^= 0x01
        #expect(throws: EnvelopeError.self) { try Envelope.open(Envelope.decodeAnyForm(text), with: recipient) }
    }
}
