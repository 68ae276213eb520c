import Logging
import Synchronization

/// Whether the store is taking submissions, as `/healthz` reports it and the log says it once
/// per change: full (until the chair's pull makes room), or failing to write (until a write
/// succeeds). Nothing about any person or submission is kept.
final class StoreCondition: Sendable {
    enum Problem: Equatable {
        case full
        case failing
    }

    private let current = Mutex<Problem?>(nil)
    private let logger: Logger

    init(logger: Logger) {
        self.logger = logger
    }

    var problem: Problem? { current.withLock { $0 } }

    /// Rows were deleted: a full store has room again (a failing one is cleared only by a write
    /// of a submission that succeeds).
    func noteRoomMade() {
        if problem == .full { record(nil) }
    }

    /// Records how the latest write went; logs only when that changes.
    func record(_ problem: Problem?) {
        let previous = current.withLock { current in
            defer { current = problem }
            return current
        }
        guard previous != problem else { return }
        switch problem {
        case .full:
            logger.warning(
                "the store is full (max_stored_envelopes or max_stored_bytes): submissions are refused until the chair pulls and the relay deletes what every recipient has stored; tell the chair, or raise the limits"
            )
        case .failing:
            logger.error(
                "a submission could not be written to the store: check the data folder's free space and permissions; /healthz answers 503 until a write succeeds"
            )
        case nil:
            logger.notice("the store takes submissions again")
        }
    }
}
