import CSodium

/// A secret kept for a long time, as `chair shell` keeps the chair's keys between commands: in
/// memory from `sodium_malloc` (guard pages around it), locked so that it is never written to
/// swap, unreadable except while `withSecret` runs, and wiped and freed with the object.
public final class LockedSecret: @unchecked Sendable {
    private let region: UnsafeMutableRawPointer
    public let count: Int
    /// Whether the pages were locked in memory; when not, they may reach swap.
    public let isLocked: Bool

    /// Why a locked secret could not be made or read.
    public enum Failure: Error, Equatable, Sendable {
        case noMemory
        case protectionFailed
    }

    /// Copies `secret` into new locked memory, and makes it unreadable until `withSecret`.
    public init(copying secret: SecretBytes) throws(Failure) {
        Sodium.ensureInitialised()
        guard let region = sodium_malloc(max(secret.count, 1)) else { throw .noMemory }
        self.region = region
        count = secret.count
        secret.withUnsafeBytes { bytes in
            if let base = bytes.baseAddress { region.copyMemory(from: base, byteCount: bytes.count) }
        }
        // sodium_malloc tries to lock the pages and ignores a refusal (RLIMIT_MEMLOCK); asking
        // again gives the answer.
        isLocked = sodium_mlock(region, max(count, 1)) == 0
        guard sodium_mprotect_noaccess(region) == 0 else {
            sodium_free(region)
            throw .protectionFailed
        }
    }

    /// Lets `body` read a copy of the secret, which is wiped as soon as it returns.
    public func withSecret<Result>(_ body: (SecretBytes) throws -> Result) throws -> Result {
        guard sodium_mprotect_readonly(region) == 0 else { throw Failure.protectionFailed }
        let copy = SecretBytes(count: count) { (output: UnsafeMutablePointer<UInt8>) in
            output.update(from: region.assumingMemoryBound(to: UInt8.self), count: count)
        }
        guard sodium_mprotect_noaccess(region) == 0 else { throw Failure.protectionFailed }
        return try body(copy)
    }

    deinit {
        // sodium_free makes the region writable, wipes it, unlocks it and frees it.
        sodium_free(region)
    }
}
