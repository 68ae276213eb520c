import Foundation
import NIOCore
import NIOPosix
import Synchronization
import Testing

@testable import RelayKit

/// Blocking a loop on purpose is how this shows the watch can fail.
@Suite("Saying when an event loop was held up")
struct EventLoopWatchTests {
    final class Reports: Sendable {
        let late = Mutex<[(loop: Int, milliseconds: Int64)]>([])
    }

    @Test("a loop blocked for 600 ms is reported with about that delay, the other loop and quiet time are not")
    func reportsABlockedLoop() async throws {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 2)
        let reports = Reports()
        let watch = EventLoopWatch(group: group, interval: .milliseconds(50), threshold: .milliseconds(200)) {
            loop, late in reports.late.withLock { $0.append((loop, late.nanoseconds / 1_000_000)) }
        }
        let ticks = watch.start()
        // A busy test machine may delay a tick a little; only a block that long is counted here.
        func blocks() -> [(loop: Int, milliseconds: Int64)] {
            reports.late.withLock { $0 }.filter { $0.milliseconds >= 450 }
        }
        try await Task.sleep(for: .milliseconds(500))
        #expect(blocks().isEmpty, "nothing ran, so nothing was late")
        let loops = Array(group.makeIterator())
        try await loops[1].submit { _ = usleep(600_000) }.get()
        try await Task.sleep(for: .milliseconds(300))
        for tick in ticks { tick.cancel() }
        #expect(blocks().count == 1, "\(blocks())")
        #expect(blocks().first?.loop == 1)
        #expect((blocks().first?.milliseconds ?? 0) <= 700, "\(blocks())")
        try await group.shutdownGracefully()
    }
}
