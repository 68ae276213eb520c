import CSodium

/// Bytes that must not outlive their use: keys, passphrases and plaintext.
///
/// The buffer is wiped with `sodium_memzero` when the object is released, and its contents are
/// only reachable through closures, so copies do not escape by accident. The contents are fixed
/// once initialised, which is why sharing between tasks is safe.
public final class SecretBytes: @unchecked Sendable {
    // Allocated with at least one byte, so C calls marked nonnull always get a real address.
    private let start: UnsafeMutablePointer<UInt8>
    private let capacity: Int

    /// The number of bytes held.
    public let count: Int

    /// Makes a zeroed buffer of `count` bytes and lets `fill` write into it through a pointer.
    public init(count: Int, fill: (UnsafeMutablePointer<UInt8>) throws -> Void) rethrows {
        precondition(count >= 0, "a buffer cannot have a negative size")
        self.count = count
        capacity = max(count, 1)
        start = UnsafeMutablePointer<UInt8>.allocate(capacity: capacity)
        start.initialize(repeating: 0, count: capacity)
        do {
            try fill(start)
        } catch {
            sodium_memzero(start, capacity)
            start.deallocate()
            throw error
        }
    }

    /// Makes a zeroed buffer of `count` bytes and lets `initialise` write into it as a buffer.
    public convenience init(count: Int, initialise: (UnsafeMutableRawBufferPointer) throws -> Void) rethrows {
        try self.init(count: count) { (pointer: UnsafeMutablePointer<UInt8>) in
            try initialise(UnsafeMutableRawBufferPointer(start: pointer, count: count))
        }
    }

    /// Copies `bytes` into a new secret buffer; the caller remains responsible for the source.
    public convenience init<Bytes: Collection>(copying bytes: Bytes) where Bytes.Element == UInt8 {
        self.init(count: bytes.count) { (pointer: UnsafeMutablePointer<UInt8>) in
            var index = 0
            for byte in bytes {
                pointer[index] = byte
                index += 1
            }
        }
    }

    /// Copies the UTF-8 of `text` into a new secret buffer. (The `String` itself cannot be wiped;
    /// keep its lifetime short.)
    public convenience init(utf8 text: String) {
        self.init(copying: text.utf8)
    }

    /// A buffer of `count` bytes from the system's secure random source.
    public static func random(count: Int) -> SecretBytes {
        Sodium.ensureInitialised()
        return SecretBytes(count: count) { (pointer: UnsafeMutablePointer<UInt8>) in
            randombytes_buf(pointer, count)
        }
    }

    deinit {
        sodium_memzero(start, capacity)
        start.deallocate()
    }

    /// Reads the secret without copying it out.
    public func withUnsafeBytes<Result>(_ body: (UnsafeRawBufferPointer) throws -> Result) rethrows -> Result {
        try body(UnsafeRawBufferPointer(start: start, count: count))
    }

    /// Reads the secret through a pointer that is never null, for C calls.
    public func withPointer<Result>(_ body: (UnsafePointer<UInt8>) throws -> Result) rethrows -> Result {
        try body(start)
    }

    /// Compares with another secret in constant time.
    public func constantTimeEquals(_ other: SecretBytes) -> Bool {
        guard count == other.count else { return false }
        return sodium_memcmp(start, other.start, count) == 0
    }

    /// A new secret holding bytes `range` of this one.
    public func slice(_ range: Range<Int>) -> SecretBytes {
        precondition(range.lowerBound >= 0 && range.upperBound <= count, "slice out of range")
        return SecretBytes(count: range.count) { (target: UnsafeMutablePointer<UInt8>) in
            target.update(from: start + range.lowerBound, count: range.count)
        }
    }
}
