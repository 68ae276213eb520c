import Envelope
import Sodium
import Testing

/// The signed recipients set (docs/FORMAT.md section 10): what signs, what parses, what is refused.
@Suite("Recipients set")
struct RecipientSetTests {
    let chair = SigningKeyPair.generate()
    let deputy = SigningKeyPair.generate()

    func member(_ role: RecipientSet.Role, _ name: String, _ signer: SigningKeyPair) throws -> RecipientSet.Member {
        .init(
            role: role,
            key: try PublicKeyFile(
                name: name, encryptionKey: BoxKeyPair.generate().publicKey, signingKey: signer.publicKey))
    }

    @Test("a signed set reads back as itself, with the same digest")
    func roundTrip() throws {
        let set = try RecipientSet.sign(
            serial: 41, members: [try member(.chair, "Chair", chair), try member(.deputy, "Deputy", deputy)],
            with: chair)
        let parsed = try RecipientSet(parsing: Array(set.render().utf8))
        #expect(parsed == set)
        #expect(parsed.digest.count == 32)
        #expect(parsed.signingKeys == [chair.publicKey, deputy.publicKey])
    }

    @Test("only the set's own chair can sign it, and only a set that keeps the rules")
    func signingRules() throws {
        let members = [try member(.chair, "Chair", chair), try member(.deputy, "Deputy", deputy)]
        #expect(throws: RecipientSet.ParseError.badSignature) {
            try RecipientSet.sign(serial: 1, members: members, with: deputy)
        }
        #expect(throws: RecipientSet.ParseError.badSerial) {
            try RecipientSet.sign(serial: 0, members: members, with: chair)
        }
        #expect(throws: RecipientSet.ParseError.badSerial) {
            try RecipientSet.sign(serial: RecipientSet.maximumSerial + 1, members: members, with: chair)
        }
        #expect(throws: RecipientSet.ParseError.chairNotFirst) {
            try RecipientSet.sign(serial: 1, members: members.reversed(), with: deputy)
        }
        #expect(throws: RecipientSet.ParseError.duplicate("a name")) {
            try RecipientSet.sign(
                serial: 1, members: [members[0], try member(.deputy, "Chair", deputy)], with: chair)
        }
    }

    @Test("any change to a signed set's text is refused", arguments: 0..<40)
    func anyChangeIsRefused(seed: Int) throws {
        let set = try RecipientSet.sign(
            serial: 7, members: [try member(.chair, "Chair", chair), try member(.deputy, "Deputy", deputy)], with: chair
        )
        var bytes = Array(set.render().utf8)
        // Change one byte before the signature line into another printable one.
        let signedLength = set.signedText.utf8.count
        let index = (seed * 7919) % signedLength
        bytes[index] = bytes[index] == UInt8(ascii: "A") ? UInt8(ascii: "B") : UInt8(ascii: "A")
        #expect(throws: RecipientSet.ParseError.self) { try RecipientSet(parsing: bytes) }
    }
}
