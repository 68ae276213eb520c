/// Turns many concurrent submissions into few durable transactions.
///
/// Each caller waits until the transaction holding its envelope has committed (and so been
/// synced to disk), exactly as with one transaction each; but while one commit is under way the
/// next arrivals gather, and go to disk together. Under load that multiplies what `fsync` allows.
actor GroupCommitter {
    private let store: EnvelopeStore
    /// How the latest writes went, for `/healthz` and the log.
    nonisolated let condition: StoreCondition
    private let maximumBatch: Int
    private var pending: [(envelope: [UInt8], waiter: CheckedContinuation<EnvelopeStore.StoredEnvelope, any Error>)] =
        []
    private var flushing = false

    init(store: EnvelopeStore, condition: StoreCondition, maximumBatch: Int = 256) {
        self.store = store
        self.condition = condition
        self.maximumBatch = maximumBatch
    }

    /// Stores `envelope` durably; returns once its transaction has committed.
    func append(_ envelope: [UInt8]) async throws -> EnvelopeStore.StoredEnvelope {
        do {
            let stored = try await withCheckedThrowingContinuation { waiter in
                pending.append((envelope, waiter))
                if !flushing {
                    flushing = true
                    Task { await flush() }
                }
            }
            condition.record(nil)
            return stored
        } catch EnvelopeStore.AppendError.full {
            condition.record(.full)
            throw EnvelopeStore.AppendError.full
        } catch {
            condition.record(.failing)
            throw error
        }
    }

    private func flush() async {
        while !pending.isEmpty {
            let batch = Array(pending.prefix(maximumBatch))
            pending.removeFirst(batch.count)
            do {
                let stored = try await store.appendEnvelopes(batch.map(\.envelope))
                for (item, row) in zip(batch, stored) { item.waiter.resume(returning: row) }
            } catch EnvelopeStore.AppendError.full where batch.count > 1 {
                // Near the quota, store whichever still fit, one by one.
                for item in batch {
                    do {
                        item.waiter.resume(returning: try await store.appendEnvelope(item.envelope))
                    } catch {
                        item.waiter.resume(throwing: error)
                    }
                }
            } catch {
                for item in batch { item.waiter.resume(throwing: error) }
            }
        }
        flushing = false
    }
}
