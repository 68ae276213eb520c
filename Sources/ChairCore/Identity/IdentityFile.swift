import ChairStorage
import Envelope
import Sodium

/// The chair's identity file, encrypted under a passphrase (docs/FORMAT.md section 8).
public enum IdentityFile {
    static let magic: [UInt8] = Array("BRID".utf8)
    package static let version: UInt8 = 0x01
    static let secretLength = ChairIdentity.secretLength
    /// The exact length of the binary form.
    package static let length = 121 + secretLength + AEAD.tagLength
    static let headerLength = 121
    static let operationsRange: ClosedRange<UInt32> = 1...64
    static let memoryRange: ClosedRange<UInt64> = 8 * 1024...4 * 1024 * 1024 * 1024

    /// What can be read without the passphrase.
    public struct PublicPart: Sendable, Equatable {
        /// The X25519 public key envelopes are sealed to.
        public let encryptionKey: [UInt8]
        /// The Ed25519 public key the relay checks the chair's requests with.
        public let signingKey: [UInt8]
        /// The Argon2id cost the file was written with.
        public let cost: PasswordHash.Cost
    }

    /// Why an identity file could not be read.
    public enum ReadError: Error, Equatable {
        /// Not an identity file, or damaged (the reason).
        case malformed(String)
        /// The passphrase does not open it.
        case wrongPassphrase
        /// The machine could not give Argon2id the memory the file asks for.
        case outOfMemory
    }

    /// The armored text of `identity` encrypted under `passphrase`.
    public static func seal(_ identity: ChairIdentity, passphrase: SecretBytes, cost: PasswordHash.Cost) throws
        -> String
    {
        let salt = RandomBytes.make(count: PasswordHash.saltLength)
        let nonce = RandomBytes.make(count: AEAD.nonceLength)
        var header = magic + [version]
        header += bigEndianBytes(UInt64(cost.operations), count: 4)
        header += bigEndianBytes(cost.memoryBytes, count: 8)
        header += salt + identity.encryption.publicKey + identity.signing.publicKey + nonce
        let key = try PasswordHash.deriveKey(length: AEAD.keyLength, passphrase: passphrase, salt: salt, cost: cost)
        let ciphertext = AEAD.seal(identity.secrets, additionalData: header, nonce: nonce, key: key)
        return Armor.encode(header + ciphertext, label: Armor.identityLabel)
    }

    /// Reads the public keys and cost without the passphrase.
    public static func readPublicPart(_ data: [UInt8]) throws(ReadError) -> PublicPart {
        let bytes = try decode(data)
        let operations = UInt32(readBigEndian(bytes[5..<9]))
        let memory = readBigEndian(bytes[9..<17])
        guard operationsRange.contains(operations), memoryRange.contains(memory) else {
            throw .malformed("its Argon2id cost is outside the range this tool accepts")
        }
        return PublicPart(
            encryptionKey: Array(bytes[33..<65]), signingKey: Array(bytes[65..<97]),
            cost: PasswordHash.Cost(operations: operations, memoryBytes: memory))
    }

    /// Decrypts the identity with `passphrase`.
    public static func open(_ data: [UInt8], passphrase: SecretBytes) throws(ReadError) -> ChairIdentity {
        let publicPart = try readPublicPart(data)
        let bytes = try decode(data)
        let salt = Array(bytes[17..<33])
        let nonce = Array(bytes[97..<121])
        let key: SecretBytes
        do {
            key = try PasswordHash.deriveKey(
                length: AEAD.keyLength, passphrase: passphrase, salt: salt, cost: publicPart.cost)
        } catch {
            throw .outOfMemory
        }
        guard
            let secrets = AEAD.open(
                bytes[headerLength...], additionalData: Array(bytes[..<headerLength]), nonce: nonce, key: key)
        else { throw .wrongPassphrase }
        guard let identity = ChairIdentity(secrets: secrets),
            constantTimeEquals(identity.encryption.publicKey, publicPart.encryptionKey)
        else { throw .malformed("its encryption key does not match its public key") }
        guard constantTimeEquals(identity.signing.publicKey, publicPart.signingKey) else {
            throw .malformed("its signing key does not match its public key")
        }
        return identity
    }

    private static func decode(_ data: [UInt8]) throws(ReadError) -> [UInt8] {
        let bytes: [UInt8]
        do {
            bytes = try Armor.decode(data, label: Armor.identityLabel)
        } catch {
            throw .malformed("it is not an armored Blind Relay identity (\(error))")
        }
        guard bytes.count >= 5, bytes.prefix(4).elementsEqual(magic) else {
            throw .malformed("it lacks the identity magic")
        }
        guard bytes[4] == version else {
            throw .malformed("it is identity version \(bytes[4]), which this tool cannot read")
        }
        guard bytes.count == length else { throw .malformed("it is \(bytes.count) bytes long instead of \(length)") }
        return bytes
    }

    private static func bigEndianBytes(_ value: UInt64, count: Int) -> [UInt8] {
        (0..<count).reversed().map { UInt8(truncatingIfNeeded: value >> (8 * UInt64($0))) }
    }

    private static func readBigEndian(_ bytes: ArraySlice<UInt8>) -> UInt64 {
        bytes.reduce(0) { $0 << 8 | UInt64($1) }
    }
}
