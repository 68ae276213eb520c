import CSodium

/// Argon2id key derivation from a passphrase (`crypto_pwhash`).
public enum PasswordHash {
    /// Length of a salt.
    public static let saltLength = Int(crypto_pwhash_saltbytes())

    /// The cost of a derivation: passes over memory and memory in bytes.
    public struct Cost: Sendable, Equatable {
        /// Number of passes (`opslimit`).
        public var operations: UInt32
        /// Memory in bytes (`memlimit`).
        public var memoryBytes: UInt64

        /// Creates a cost.
        public init(operations: UInt32, memoryBytes: UInt64) {
            self.operations = operations
            self.memoryBytes = memoryBytes
        }

        /// libsodium's "moderate" limits: about a second and 256 MiB; for keys kept on disk.
        public static var moderate: Cost {
            Cost(
                operations: UInt32(crypto_pwhash_opslimit_moderate()),
                memoryBytes: UInt64(crypto_pwhash_memlimit_moderate()))
        }

        /// libsodium's "interactive" limits: tens of milliseconds and 64 MiB.
        public static var interactive: Cost {
            Cost(
                operations: UInt32(crypto_pwhash_opslimit_interactive()),
                memoryBytes: UInt64(crypto_pwhash_memlimit_interactive()))
        }
    }

    /// Why a derivation did not happen.
    public enum Failure: Error, Equatable {
        /// The cost is outside what libsodium accepts.
        case costOutOfRange
        /// libsodium could not get the memory it needed.
        case outOfMemory
    }

    /// Derives `length` key bytes from `passphrase` and `salt`.
    public static func deriveKey(
        length: Int, passphrase: SecretBytes, salt: [UInt8], cost: Cost
    ) throws(Failure) -> SecretBytes {
        Sodium.ensureInitialised()
        precondition(salt.count == saltLength, "a salt is 16 bytes")
        guard cost.operations >= UInt32(crypto_pwhash_opslimit_min()),
            cost.memoryBytes >= UInt64(crypto_pwhash_memlimit_min()),
            cost.memoryBytes <= UInt64(Int.max)
        else { throw .costOutOfRange }
        var status: Int32 = -1
        let key = SecretBytes(count: length) { (output: UnsafeMutablePointer<UInt8>) in
            status = passphrase.withPointer { pass in
                pass.withMemoryRebound(to: CChar.self, capacity: max(passphrase.count, 1)) { passChars in
                    crypto_pwhash(
                        output, UInt64(length), passChars, UInt64(passphrase.count), salt,
                        UInt64(cost.operations), Int(cost.memoryBytes), crypto_pwhash_ALG_ARGON2ID13)
                }
            }
        }
        guard status == 0 else { throw .outOfMemory }
        return key
    }
}
