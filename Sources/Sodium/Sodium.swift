import CSodium

/// Entry point to libsodium: makes sure the library is initialised before any call.
public enum Sodium {
    /// `sodium_init` is idempotent and thread-safe, but Swift's lazy globals also run it only once.
    private static let initialised: Bool = sodium_init() >= 0

    /// Initialises libsodium; every wrapper in this module calls it first.
    ///
    /// libsodium fails to initialise only when the system has no usable random source, and
    /// nothing in this project may go on without one.
    @inline(__always)
    public static func ensureInitialised() {
        guard initialised else {
            fatalError("libsodium could not initialise: the system has no usable random source")
        }
    }

    /// The version of the libsodium library linked at run time.
    public static var libraryVersion: String {
        String(cString: sodium_version_string())
    }
}

/// Compares two byte sequences in time that depends only on their length.
public func constantTimeEquals(_ lhs: [UInt8], _ rhs: [UInt8]) -> Bool {
    guard lhs.count == rhs.count else { return false }
    guard !lhs.isEmpty else { return true }
    Sodium.ensureInitialised()
    return lhs.withUnsafeBytes { left in
        rhs.withUnsafeBytes { right in
            sodium_memcmp(left.baseAddress, right.baseAddress, lhs.count) == 0
        }
    }
}
