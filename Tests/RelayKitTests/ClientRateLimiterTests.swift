import Foundation
import Testing

@testable import RelayKit

/// A clock the test moves by hand.
final class TestClock: @unchecked Sendable {
    private let lock = NSLock()
    private var time: Double = 1_000_000
    var now: Double { lock.withLock { time } }
    func advance(_ seconds: Double) { lock.withLock { time += seconds } }
}

@Suite("The rate limiter")
struct ClientRateLimiterTests {
    static let limits = ClientRateLimiter.Limits(clientBurst: 2, clientPerHour: 60, intakeBurst: 5, intakePerMinute: 60)

    @Test("buckets refill over time, per client")
    func bucketsRefill() async {
        let clock = TestClock()
        let limiter = ClientRateLimiter(limits: Self.limits) { clock.now }
        #expect(limiter.admit(clientAddress: "a") == .allowed)
        #expect(limiter.admit(clientAddress: "a") == .allowed)
        #expect(limiter.admit(clientAddress: "a") == .clientLimited)
        #expect(limiter.admit(clientAddress: "b") == .allowed)
        clock.advance(60)
        #expect(limiter.admit(clientAddress: "a") == .allowed)
    }

    @Test("the intake budget holds whoever asks")
    func intakeBudget() async {
        let clock = TestClock()
        let limiter = ClientRateLimiter(limits: Self.limits) { clock.now }
        for index in 0..<5 { #expect(limiter.admit(clientAddress: "client-\(index)") == .allowed) }
        #expect(limiter.admit(clientAddress: "another") == .intakeLimited)
        clock.advance(1)
        #expect(limiter.admit(clientAddress: "another") == .allowed)
    }

    @Test("a client posting again and again leaves the last quarter of the intake to newcomers")
    func newcomersKeepAReserve() async {
        let clock = TestClock()
        let limits = ClientRateLimiter.Limits(clientBurst: 100, clientPerHour: 60, intakeBurst: 8, intakePerMinute: 1)
        let limiter = ClientRateLimiter(limits: limits) { clock.now }
        // The first post is a newcomer's; the next five take the intake down to its reserve of two.
        for _ in 0..<6 { #expect(limiter.admit(clientAddress: "flooding") == .allowed) }
        #expect(limiter.admit(clientAddress: "flooding") == .intakeLimited)
        // Two people who have not posted get the reserve; then the intake is spent for everyone.
        #expect(limiter.admit(clientAddress: "first newcomer") == .allowed)
        #expect(limiter.admit(clientAddress: "second newcomer") == .allowed)
        #expect(limiter.admit(clientAddress: "third newcomer") == .intakeLimited)
        // A client whose bucket is full again is a newcomer again.
        clock.advance(3600 * 2)
        #expect(limiter.admit(clientAddress: "first newcomer") == .allowed)
    }

    @Test("nothing about a client outlives the key's rotation")
    func rotationForgetsEveryone() async {
        let clock = TestClock()
        let limiter = ClientRateLimiter(limits: Self.limits) { clock.now }
        _ = limiter.admit(clientAddress: "a")
        _ = limiter.admit(clientAddress: "a")
        #expect(limiter.trackedClients == 1)
        #expect(limiter.admit(clientAddress: "a") == .clientLimited)
        clock.advance(24 * 3600)
        #expect(limiter.admit(clientAddress: "a") == .allowed)
        #expect(limiter.trackedClients == 1)
    }
}
