import Logging
import NIOCore
import NIOPosix
import ServiceLifecycle
import Synchronization

/// Says in the log when an event loop was held up. Every connection and, with NIO's executor,
/// every task of the relay runs on a few loops; anything that blocks one delays every person on
/// it, and nothing else would show it. Each loop runs a tick every `interval`; a tick that comes
/// `threshold` or more late is reported.
final class EventLoopWatch: Service, Sendable {
    private let group: any EventLoopGroup
    private let interval: TimeAmount
    private let threshold: TimeAmount
    private let report: @Sendable (_ loop: Int, _ late: TimeAmount) -> Void

    init(
        group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton, interval: TimeAmount = .milliseconds(20),
        threshold: TimeAmount = .milliseconds(250),
        report: @escaping @Sendable (_ loop: Int, _ late: TimeAmount) -> Void
    ) {
        self.group = group
        self.interval = interval
        self.threshold = threshold
        self.report = report
    }

    /// Reports to `logger` as a warning.
    convenience init(logger: Logger) {
        self.init { loop, late in
            logger.warning(
                "event loop \(loop) ran \(late.nanoseconds / 1_000_000) ms late, so requests on it waited that long; if this repeats, the relay is overloaded or something blocks its event loops"
            )
        }
    }

    /// When each loop's last tick ran, in NIO's uptime nanoseconds.
    private final class LastTick: Sendable {
        let uptime = Atomic<UInt64>(0)
    }

    /// Starts the ticks; they stop when this returns.
    func start() -> [RepeatedTask] {
        let interval = interval
        let threshold = threshold
        let report = report
        var tasks: [RepeatedTask] = []
        for (index, loop) in group.makeIterator().enumerated() {
            let last = LastTick()
            last.uptime.store(NIODeadline.now().uptimeNanoseconds, ordering: .relaxed)
            tasks.append(
                loop.scheduleRepeatedTask(initialDelay: interval, delay: interval) { _ in
                    let now = NIODeadline.now().uptimeNanoseconds
                    let previous = last.uptime.exchange(now, ordering: .relaxed)
                    // The next tick is scheduled `interval` after the previous one ran.
                    let expected = previous &+ UInt64(interval.nanoseconds)
                    if now > expected, now - expected >= UInt64(threshold.nanoseconds) {
                        report(index, .nanoseconds(Int64(now - expected)))
                    }
                })
        }
        return tasks
    }

    func run() async throws {
        let tasks = start()
        defer { for task in tasks { task.cancel() } }
        // Until the relay shuts down; cancellation ends it too.
        try? await gracefulShutdown()
    }
}
