import Foundation
import Sodium
import Synchronization

/// Token buckets per client, and one for the whole intake, kept only in memory.
///
/// The last quarter of the intake's budget is kept for newcomers: a client that has posted
/// recently (its bucket not yet full again) may not spend it. So valid posts from many
/// addresses, each posting again and again, drain the budget only down to that quarter, and a
/// person posting for the first time still gets through; an attacker then needs a fresh
/// address for every post that reaches the reserve.
///
/// A client is known only by a keyed BLAKE2b hash of its address; the key is random, never
/// written, and replaced at least daily, when every bucket is forgotten. So nothing about a
/// client outlives the rotation, and the table cannot be matched against anything else.
final class ClientRateLimiter: Sendable {
    /// What the limiter decided.
    enum Decision: Equatable {
        case allowed
        case clientLimited
        case intakeLimited
    }

    struct Limits: Sendable {
        /// Submissions a client may make at once.
        var clientBurst: Double
        /// Submissions a client regains per hour.
        var clientPerHour: Double
        /// Submissions the whole intake may take at once.
        var intakeBurst: Double
        /// Submissions the whole intake regains per minute.
        var intakePerMinute: Double
        /// At most this many clients are tracked; beyond it, only the intake budget applies.
        var maximumClients = 100_000
        /// How long a hashing key lives.
        var keyLifetime: Double = 24 * 3600
        /// The share of the intake's budget that only newcomers may spend.
        var newcomerShare = 0.25
    }

    private struct Bucket: Sendable {
        var tokens: Double
        var updated: Double
    }

    /// Everything that changes, behind one lock: a lock rather than an actor, so that admitting a
    /// request is a plain call that never suspends it.
    private struct State {
        var key = SecretBytes.random(count: 32)
        var keyBorn: Double
        var clients: [UInt64: Bucket] = [:]
        var intake: Bucket
    }

    private let limits: Limits
    private let now: @Sendable () -> Double
    private let state: Mutex<State>

    init(limits: Limits, now: @escaping @Sendable () -> Double = { Date().timeIntervalSince1970 }) {
        self.limits = limits
        self.now = now
        let time = now()
        state = Mutex(State(keyBorn: time, intake: Bucket(tokens: limits.intakeBurst, updated: time)))
    }

    /// How many clients are remembered now (for tests and the threat model's claims).
    var trackedClients: Int { state.withLock { $0.clients.count } }

    /// Takes one token for `clientAddress` (nil when unknown) and one from the intake.
    func admit(clientAddress: String?) -> Decision {
        let time = now()
        return state.withLock { state in admit(clientAddress: clientAddress, at: time, state: &state) }
    }

    private func admit(clientAddress: String?, at time: Double, state: inout State) -> Decision {
        if time - state.keyBorn >= limits.keyLifetime {
            state.key = SecretBytes.random(count: 32)
            state.keyBorn = time
            state.clients.removeAll()
        }
        refill(&state.intake, at: time, capacity: limits.intakeBurst, perSecond: limits.intakePerMinute / 60)
        guard state.intake.tokens >= 1 else { return .intakeLimited }
        if let clientAddress {
            let id = hash(clientAddress, key: state.key)
            var bucket = state.clients[id] ?? Bucket(tokens: limits.clientBurst, updated: time)
            refill(&bucket, at: time, capacity: limits.clientBurst, perSecond: limits.clientPerHour / 3600)
            guard bucket.tokens >= 1 else {
                state.clients[id] = bucket
                return .clientLimited
            }
            let hasPostedRecently = bucket.tokens < limits.clientBurst
            if hasPostedRecently, state.intake.tokens < limits.intakeBurst * limits.newcomerShare + 1 {
                state.clients[id] = bucket
                return .intakeLimited
            }
            bucket.tokens -= 1
            if state.clients[id] != nil || state.clients.count < limits.maximumClients {
                state.clients[id] = bucket
            }
        }
        state.intake.tokens -= 1
        pruneFullBuckets(at: time, clients: &state.clients)
        return .allowed
    }

    private func refill(_ bucket: inout Bucket, at time: Double, capacity: Double, perSecond: Double) {
        bucket.tokens = min(capacity, bucket.tokens + max(0, time - bucket.updated) * perSecond)
        bucket.updated = time
    }

    /// Forgets clients whose buckets have filled up again, now and then.
    private func pruneFullBuckets(at time: Double, clients: inout [UInt64: Bucket]) {
        guard clients.count > 1_000 else { return }
        let secondsToFill = limits.clientBurst / max(limits.clientPerHour / 3600, 1e-9)
        clients = clients.filter { time - $0.value.updated < secondsToFill }
    }

    private func hash(_ address: String, key: SecretBytes) -> UInt64 {
        let digest = key.withPointer { keyBytes in
            GenericHash.keyedHash(Array(address.utf8), key: keyBytes, keyLength: 32, outputLength: 16)
        }
        return digest.prefix(8).reduce(0) { $0 << 8 | UInt64($1) }
    }
}
