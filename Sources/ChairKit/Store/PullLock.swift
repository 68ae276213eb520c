import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// One pull of a store at a time: two at once would fetch and acknowledge the same envelopes
/// side by side. The second waits for the first, saying so, and then finds what is left.
/// (`flock` on the store's file; SQLite's own locks are `fcntl` locks, which it does not touch.)
final class PullLock {
    private let descriptor: Int32

    /// Takes the lock, calling `waiting` first if another pull holds it.
    init(storePath: String, waiting: () -> Void) throws(ChairError) {
        let descriptor = open(storePath, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else {
            throw ChairError(
                "cannot open \(storePath) to pull into it: \(String(cString: strerror(errno)))",
                hint: "check the path given by --store and its permissions")
        }
        func failure(_ reason: Int32) -> ChairError {
            close(descriptor)
            return ChairError(
                "cannot lock \(storePath) for the pull: \(String(cString: strerror(reason)))",
                hint: "check the path given by --store, then run 'chair pull' again")
        }
        if flock(descriptor, LOCK_EX | LOCK_NB) != 0 {
            guard errno == EWOULDBLOCK else { throw failure(errno) }
            waiting()
            while flock(descriptor, LOCK_EX) != 0 {
                guard errno == EINTR else { throw failure(errno) }
            }
        }
        self.descriptor = descriptor
    }

    deinit {
        // Closing the descriptor releases the lock, even if unlocking failed.
        _ = flock(descriptor, LOCK_UN)
        _ = close(descriptor)
    }
}
