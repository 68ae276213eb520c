import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// One pull of a store at a time: two at once would fetch and acknowledge the same envelopes
/// side by side. The second waits for the first, saying so, and then finds what is left.
/// (`flock` on the store's file; SQLite's own locks are `fcntl` locks, which it does not touch.)
package final class PullLock {
    private let descriptor: Int32

    /// Why the lock could not be taken: the store's path and the system's reason.
    package enum Failure: Error {
        case cannotOpen(path: String, reason: String)
        case cannotLock(path: String, reason: String)
    }

    /// Takes the lock, calling `waiting` first if another pull holds it.
    package init(storePath: String, waiting: () -> Void) throws(Failure) {
        let descriptor = open(storePath, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else {
            throw .cannotOpen(path: storePath, reason: String(cString: strerror(errno)))
        }
        func failure(_ reason: Int32) -> Failure {
            close(descriptor)
            return .cannotLock(path: storePath, reason: String(cString: strerror(reason)))
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
