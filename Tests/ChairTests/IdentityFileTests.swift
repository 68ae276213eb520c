import Envelope
import Foundation
import Sodium
import Testing

@testable import ChairCLI
@testable import ChairCore
@testable import ChairStorage
@testable import ChairSync

@Suite("The identity file")
struct IdentityFileTests {
    let passphrase = SecretBytes(utf8: "quarry nimbus tulip ferret gazebo")

    @Test("it opens with its passphrase to the same keys, and its public part needs none")
    func roundTrip() async throws {
        let identity = ChairIdentity.generate()
        let text = Array(try IdentityFile.seal(identity, passphrase: passphrase, cost: .interactive).utf8)
        let publicPart = try IdentityFile.readPublicPart(text)
        #expect(publicPart.encryptionKey == identity.encryption.publicKey)
        #expect(publicPart.signingKey == identity.signing.publicKey)
        let opened = try IdentityFile.open(text, passphrase: passphrase)
        #expect(opened.encryption.secretKey.constantTimeEquals(identity.encryption.secretKey))
        #expect(opened.signing.seed.constantTimeEquals(identity.signing.seed))
        #expect(opened.storeKey.constantTimeEquals(identity.storeKey))
        #expect(throws: IdentityFile.ReadError.wrongPassphrase) {
            try IdentityFile.open(text, passphrase: SecretBytes(utf8: "quarry nimbus tulip ferret gazebO"))
        }
    }

    @Test("a changed public key or cost in the header is detected")
    func headerIsAuthenticated() async throws {
        let text = Array(try IdentityFile.seal(.generate(), passphrase: passphrase, cost: .interactive).utf8)
        var binary = try Armor.decode(text, label: Armor.identityLabel)
        binary[40] ^= 0x01
        let altered = Array(Armor.encode(binary, label: Armor.identityLabel).utf8)
        #expect(throws: IdentityFile.ReadError.wrongPassphrase) {
            try IdentityFile.open(altered, passphrase: passphrase)
        }
    }

    @Test(
        "an absurd Argon2id cost is refused before any work",
        arguments: [(UInt32(0), UInt64(65536)), (3, 0), (3, 1 << 40), (65, 65536)])
    func absurdCostIsRefused(operations: UInt32, memory: UInt64) throws {
        let text = Array(try IdentityFile.seal(.generate(), passphrase: passphrase, cost: .interactive).utf8)
        var binary = try Armor.decode(text, label: Armor.identityLabel)
        // FORMAT.md section 8: bytes 5..<9 are opslimit and 9..<17 memlimit, big-endian.
        for index in 0..<4 { binary[5 + index] = UInt8(truncatingIfNeeded: operations >> (8 * (3 - index))) }
        for index in 0..<8 { binary[9 + index] = UInt8(truncatingIfNeeded: memory >> (8 * (7 - index))) }
        let altered = Array(Armor.encode(binary, label: Armor.identityLabel).utf8)
        #expect(throws: IdentityFile.ReadError.self) { try IdentityFile.readPublicPart(altered) }
    }

    @Test("the passphrase policy accepts a strong phrase and refuses weak ones")
    func passphrasePolicy() {
        #expect(PassphrasePolicy.weakness(of: passphrase) == nil)
        #expect(PassphrasePolicy.weakness(of: SecretBytes(utf8: "Tr0ub4dor&3")) != nil)
        #expect(PassphrasePolicy.weakness(of: SecretBytes(utf8: "abababababababab")) != nil)
        #expect(PassphrasePolicy.weakness(of: SecretBytes(utf8: "correct horse battery staple")) != nil)
        // Three common words and a digit: about 39 bits, refused; five random ones pass.
        #expect(PassphrasePolicy.weakness(of: SecretBytes(utf8: "dragon-fruit 7 mountain")) != nil)
        #expect(PassphrasePolicy.weakness(of: SecretBytes(utf8: "abacus zoology tulip ferret velcro")) == nil)
    }
}

@Suite("The public key file")
struct PublicKeyFileTests {
    @Test("it round-trips, and every rule of FORMAT.md section 7 is enforced")
    func roundTripAndRules() async throws {
        let file = try PublicKeyFile(
            name: "Chair", encryptionKey: BoxKeyPair.generate().publicKey,
            signingKey: SigningKeyPair.generate().publicKey)
        let text = file.render()
        #expect(try PublicKeyFile(parsing: Array(text.utf8)) == file)
        #expect(
            try PublicKeyFile(
                parsing: Array(("# a comment\n\n" + text.replacingOccurrences(of: "\n", with: "\r\n")).utf8)) == file)
        let badFingerprint = text.replacingOccurrences(of: "fingerprint: ", with: "fingerprint: 1")
        #expect(throws: PublicKeyFile.ParseError.fingerprintMismatch) {
            try PublicKeyFile(parsing: Array(badFingerprint.utf8))
        }
        #expect(throws: PublicKeyFile.ParseError.extraLines) {
            try PublicKeyFile(parsing: Array((text + "more\n").utf8))
        }
        let swapped = text.replacingOccurrences(of: "name: Chair\n", with: "").replacingOccurrences(
            of: "fingerprint:", with: "name: Chair\nfingerprint:")
        #expect(throws: PublicKeyFile.ParseError.self) { try PublicKeyFile(parsing: Array(swapped.utf8)) }
        #expect(throws: PublicKeyFile.ParseError.badName) {
            try PublicKeyFile(name: "bad\u{7}name", encryptionKey: file.encryptionKey, signingKey: file.signingKey)
        }
    }
}
