/// What the form intake needs of the store: an envelope stored durably before its receipt is
/// shown, and how the latest writes went. `GroupCommitter` batches them into the store.
protocol EnvelopeIntake: Sendable {
    var condition: StoreCondition { get }
    func append(_ envelope: [UInt8]) async throws -> EnvelopeStore.StoredEnvelope
}

extension GroupCommitter: EnvelopeIntake {}
