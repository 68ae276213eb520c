import Sodium
import Testing

@Suite("The libsodium layer")
struct SodiumTests {
    @Test("a sealed box opens with its key pair only")
    func sealedBoxOpensWithItsKey() async throws {
        let recipient = BoxKeyPair.generate()
        let box = try SealedBox.seal(SecretBytes(utf8: "secret"), to: recipient.publicKey)
        #expect(box.count == 6 + SealedBox.overhead)
        let opened = try #require(SealedBox.open(box[...], with: recipient))
        #expect(opened.withUnsafeBytes { Array($0) } == Array("secret".utf8))
        #expect(SealedBox.open(box[...], with: BoxKeyPair.generate()) == nil)
    }

    @Test("the deterministic sealed box is a standard sealed box")
    func deterministicSealIsStandard() async throws {
        let recipient = BoxKeyPair.generate()
        let seed = SecretBytes(copying: [UInt8](repeating: 7, count: 32))
        let box = try SealedBox.sealDeterministically(
            SecretBytes(utf8: "vector"), to: recipient.publicKey, ephemeralSeed: seed)
        let again = try SealedBox.sealDeterministically(
            SecretBytes(utf8: "vector"), to: recipient.publicKey, ephemeralSeed: seed)
        #expect(box == again)
        let opened = try #require(SealedBox.open(box[...], with: recipient))
        #expect(opened.withUnsafeBytes { Array($0) } == Array("vector".utf8))
    }

    /// The X25519 points of order 1, 2, 4 and 8 and their non-canonical encodings (u + p), as
    /// listed by libsodium and by the "May the Fourth" paper: sealing to any of them would give a
    /// box whose shared secret everyone knows.
    static let lowOrderPoints: [[UInt8]] = [
        "0000000000000000000000000000000000000000000000000000000000000000",
        "0100000000000000000000000000000000000000000000000000000000000000",
        "e0eb7a7c3b41b8ae1656e3faf19fc46ada098deb9c32b1fd866205165f49b800",
        "5f9c95bca3508c24b1d0b1559c83ef5b04445cc4581c8e86d8224eddd09f1157",
        "ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
        "edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
        "eeffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
    ].compactMap { Hex.decode($0) }

    @Test("no low-order key is usable, and sealing to one throws instead of returning a box")
    func lowOrderKeysAreRefused() throws {
        #expect(Self.lowOrderPoints.count == 7)
        for point in Self.lowOrderPoints {
            #expect(!BoxKeyPair.isUsablePublicKey(point), "\(Hex.encode(point))")
            #expect(throws: SodiumFailure.unusablePublicKey) {
                try SealedBox.seal(SecretBytes(utf8: "for nobody"), to: point)
            }
            #expect(throws: SodiumFailure.unusablePublicKey) {
                try SealedBox.sealDeterministically(
                    SecretBytes(utf8: "for nobody"), to: point, ephemeralSeed: SecretBytes.random(count: 32))
            }
        }
        for _ in 0..<50 { #expect(BoxKeyPair.isUsablePublicKey(BoxKeyPair.generate().publicKey)) }
        #expect(!BoxKeyPair.isUsablePublicKey([1, 2, 3]))
    }

    @Test("a small-order or non-canonical signing key is not usable; a real one is")
    func smallOrderSigningKeysAreRefused() {
        #expect(!SigningKeyPair.isUsablePublicKey([UInt8](repeating: 0, count: 32)))
        // The identity point of Ed25519: y = 1.
        #expect(!SigningKeyPair.isUsablePublicKey([1] + [UInt8](repeating: 0, count: 31)))
        for _ in 0..<20 { #expect(SigningKeyPair.isUsablePublicKey(SigningKeyPair.generate().publicKey)) }
    }

    @Test("a restored key pair has the same public key")
    func restoredKeyPairMatches() async throws {
        let original = BoxKeyPair.generate()
        let restored = try #require(BoxKeyPair.restore(secretKey: original.secretKey))
        #expect(restored.publicKey == original.publicKey)
    }

    @Test("signatures verify only for their message and key")
    func signaturesVerify() {
        let signer = SigningKeyPair.generate()
        let signature = signer.sign(Array("GET /api".utf8))
        #expect(
            SigningKeyPair.verify(signature: signature, message: Array("GET /api".utf8), publicKey: signer.publicKey))
        #expect(
            !SigningKeyPair.verify(signature: signature, message: Array("GET /apj".utf8), publicKey: signer.publicKey))
        #expect(
            !SigningKeyPair.verify(
                signature: signature, message: Array("GET /api".utf8),
                publicKey: SigningKeyPair.generate().publicKey))
        #expect(SigningKeyPair.derive(seed: signer.seed).publicKey == signer.publicKey)
    }

    @Test("AEAD binds its additional data")
    func aeadBindsAdditionalData() {
        let key = SecretBytes.random(count: AEAD.keyLength)
        let nonce = RandomBytes.make(count: AEAD.nonceLength)
        let sealed = AEAD.seal(SecretBytes(utf8: "keys"), additionalData: [1, 2], nonce: nonce, key: key)
        #expect(
            AEAD.open(sealed[...], additionalData: [1, 2], nonce: nonce, key: key)?.withUnsafeBytes { Array($0) }
                == Array("keys".utf8))
        #expect(AEAD.open(sealed[...], additionalData: [1, 3], nonce: nonce, key: key) == nil)
    }

    @Test("Argon2id derives the same key from the same passphrase and salt only")
    func passwordHashIsDeterministic() async throws {
        let salt = RandomBytes.make(count: PasswordHash.saltLength)
        let cost = PasswordHash.Cost.interactive
        let first = try PasswordHash.deriveKey(
            length: 32, passphrase: SecretBytes(utf8: "correct horse"), salt: salt, cost: cost)
        let second = try PasswordHash.deriveKey(
            length: 32, passphrase: SecretBytes(utf8: "correct horse"), salt: salt, cost: cost)
        let other = try PasswordHash.deriveKey(
            length: 32, passphrase: SecretBytes(utf8: "correct horsf"), salt: salt, cost: cost)
        #expect(first.constantTimeEquals(second))
        #expect(!first.constantTimeEquals(other))
        #expect(throws: PasswordHash.Failure.costOutOfRange) {
            try PasswordHash.deriveKey(
                length: 32, passphrase: SecretBytes(utf8: "x"), salt: salt,
                cost: .init(operations: 0, memoryBytes: 1))
        }
    }

    @Test("base64 accepts canonical text only")
    func base64IsCanonical() {
        #expect(Base64.encode([0xFF, 0x00]) == "/wA=")
        #expect(Base64.decode("/wA=") == [0xFF, 0x00])
        #expect(Base64.decode("/wB=") == nil)
        #expect(Base64.decode("/wA") == nil)
        #expect(Base64.decode("/w A=") == nil)
        #expect(Base64.decode("") == [])
    }

    @Test("SHA-512 matches the FIPS 180-2 'abc' vector")
    func sha512KnownAnswer() {
        let digest = SHA512.hash(Array("abc".utf8))
        #expect(digest.prefix(8) == [0xdd, 0xaf, 0x35, 0xa1, 0x93, 0x61, 0x7a, 0xba])
    }
}
