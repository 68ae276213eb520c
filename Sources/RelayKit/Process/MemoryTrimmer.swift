import CLinux
import NIOPosix
import ServiceLifecycle
import Synchronization

/// Hands the memory a surge needed back to the system once the relay is quiet again.
///
/// glibc keeps freed memory in its arenas for reuse, so after a surge of submissions the relay
/// would stay at its peak size for good. Trimming while busy would only make it ask again, so
/// the trimmer waits for one whole interval without a single request first.
final class MemoryTrimmer: Service, Sendable {
    private let interval: Duration
    private let requests = Atomic<Int>(0)
    private let state = Mutex<(countAtLastLook: Int, trimmedSinceLastRequest: Bool)>((0, true))

    init(interval: Duration = .milliseconds(500)) {
        self.interval = interval
    }

    /// Counts a request: one relaxed atomic add, cheap enough for every response.
    func noteRequest() {
        requests.add(1, ordering: .relaxed)
    }

    /// Whether to trim now: requests came since the last trim but none since the last look.
    /// A yes counts as the trim, which the caller does next.
    func isTimeToTrim() -> Bool {
        let count = requests.load(ordering: .relaxed)
        return state.withLock { state in
            if count != state.countAtLastLook {
                state = (count, false)
                return false
            }
            guard !state.trimmedSinceLastRequest else { return false }
            state.trimmedSinceLastRequest = true
            return true
        }
    }

    /// Hands freed memory back to the system. It walks every arena under its lock and can take
    /// milliseconds, so `run` calls it on NIO's pool for blocking work, never on an event loop.
    static func trim() {
        _ = malloc_trim(0)  // returns only whether memory was released
    }

    func run() async throws {
        // Ends with the relay: graceful shutdown cancels the sleep.
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                try? await Task.sleep(for: self.interval)
                if self.isTimeToTrim() {
                    try? await NIOThreadPool.singleton.runIfActive { Self.trim() }
                }
            }
        }
    }
}
