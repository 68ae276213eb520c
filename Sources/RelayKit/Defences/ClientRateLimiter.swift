import Foundation
import Sodium

/// Token buckets per client, and one for the whole intake, kept only in memory.
///
/// A client is known only by a keyed BLAKE2b hash of its address; the key is random, never
/// written, and replaced at least daily, when every bucket is forgotten. So nothing about a
/// client outlives the rotation, and the table cannot be matched against anything else.
actor ClientRateLimiter {
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
    }

    private struct Bucket {
        var tokens: Double
        var updated: Double
    }

    private let limits: Limits
    private let now: @Sendable () -> Double
    private var key = SecretBytes.random(count: 32)
    private var keyBorn: Double
    private var clients: [UInt64: Bucket] = [:]
    private var intake: Bucket

    init(limits: Limits, now: @escaping @Sendable () -> Double = { Date().timeIntervalSince1970 }) {
        self.limits = limits
        self.now = now
        keyBorn = now()
        intake = Bucket(tokens: limits.intakeBurst, updated: now())
    }

    /// How many clients are remembered now (for tests and the threat model's claims).
    var trackedClients: Int { clients.count }

    /// Takes one token for `clientAddress` (nil when unknown) and one from the intake.
    func admit(clientAddress: String?) -> Decision {
        let time = now()
        if time - keyBorn >= limits.keyLifetime {
            key = SecretBytes.random(count: 32)
            keyBorn = time
            clients.removeAll()
        }
        refill(&intake, at: time, capacity: limits.intakeBurst, perSecond: limits.intakePerMinute / 60)
        guard intake.tokens >= 1 else { return .intakeLimited }
        if let clientAddress {
            let id = hash(clientAddress)
            var bucket = clients[id] ?? Bucket(tokens: limits.clientBurst, updated: time)
            refill(&bucket, at: time, capacity: limits.clientBurst, perSecond: limits.clientPerHour / 3600)
            guard bucket.tokens >= 1 else {
                clients[id] = bucket
                return .clientLimited
            }
            bucket.tokens -= 1
            if clients[id] != nil || clients.count < limits.maximumClients {
                clients[id] = bucket
            }
        }
        intake.tokens -= 1
        pruneFullBuckets(at: time)
        return .allowed
    }

    private func refill(_ bucket: inout Bucket, at time: Double, capacity: Double, perSecond: Double) {
        bucket.tokens = min(capacity, bucket.tokens + max(0, time - bucket.updated) * perSecond)
        bucket.updated = time
    }

    /// Forgets clients whose buckets have filled up again, now and then.
    private func pruneFullBuckets(at time: Double) {
        guard clients.count > 1_000 else { return }
        let secondsToFill = limits.clientBurst / max(limits.clientPerHour / 3600, 1e-9)
        clients = clients.filter { time - $0.value.updated < secondsToFill }
    }

    private func hash(_ address: String) -> UInt64 {
        let digest = key.withPointer { keyBytes in
            GenericHash.keyedHash(Array(address.utf8), key: keyBytes, keyLength: 32, outputLength: 16)
        }
        return digest.prefix(8).reduce(0) { $0 << 8 | UInt64($1) }
    }
}
