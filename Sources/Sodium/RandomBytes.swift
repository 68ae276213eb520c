import CSodium

/// Random bytes from the system's secure source (`randombytes_buf`).
public enum RandomBytes {
    /// `count` random bytes that are not secret (salts, identifiers).
    public static func make(count: Int) -> [UInt8] {
        Sodium.ensureInitialised()
        var bytes = [UInt8](repeating: 0, count: count)
        randombytes_buf(&bytes, count)
        return bytes
    }

    /// A uniformly random number below `upperBound` (no modulo bias), from the system's
    /// secure random source.
    public static func uniform(below upperBound: UInt32) -> UInt32 {
        Sodium.ensureInitialised()
        return randombytes_uniform(upperBound)
    }

    /// `count` bytes expanded deterministically from a 32-byte seed
    /// (`randombytes_buf_deterministic`); for reproducible test vectors only.
    public static func makeDeterministic(count: Int, seed: [UInt8]) -> SecretBytes {
        Sodium.ensureInitialised()
        precondition(seed.count == Int(randombytes_seedbytes()), "a seed is 32 bytes")
        return SecretBytes(count: count) { (pointer: UnsafeMutablePointer<UInt8>) in
            randombytes_buf_deterministic(pointer, count, seed)
        }
    }
}
