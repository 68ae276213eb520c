/// What the chair API needs of the store: who the relay is, the sets it seals to, pages of
/// envelopes, and acknowledgements. `EnvelopeStore` is the one that keeps them.
protocol EnvelopeDelivery: Sendable {
    var relayIdentity: [UInt8] { get }
    func recipientSetFiles() async throws -> [String]
    func fetchEnvelopes(after: Int64, limit: Int) async throws -> EnvelopeStore.Page
    func isFull() async throws -> Bool
    func acknowledge(through: Int64, chain: [UInt8], by recipient: [UInt8]) async throws
        -> EnvelopeStore.Acknowledgement
}

extension EnvelopeStore: EnvelopeDelivery {}
