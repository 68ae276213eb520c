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

    /// Stops the process when a libsodium call that cannot fail on arguments this module has
    /// already checked (lengths, sizes) fails all the same: the library is then not behaving as
    /// documented, and nothing built on it can be trusted. Calls whose failure input can cause
    /// (sealing to a bad key, opening) report it to the caller instead; they never come here.
    @inline(__always)
    static func requireSuccess(_ status: Int32, _ call: StaticString) {
        guard status == 0 else { fatalError("libsodium's \(call) failed on arguments already checked") }
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
