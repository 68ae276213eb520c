import Foundation
import Hummingbird
import Logging
import NIOCore
import RelayProtocol
import Sodium

/// The chair's API: fetch stored envelopes after a cursor, and acknowledge what is safely stored.
struct ChairAPIController: Sendable {
    let store: any EnvelopeDelivery
    let authenticator: RequestAuthenticator
    /// Told when an acknowledgement deleted rows, so a full store reads as taking submissions again.
    let condition: StoreCondition
    let logger: Logger

    static let maximumBodyBytes = 4 * 1024

    func addRoutes(to router: Router<RelayRequestContext>) {
        let api = router.group("api/v1")
        api.get("relay") { _, _ in
            try Self.json(RelayIdentityBody(relay: Hex.encode(store.relayIdentity)))
        }
        api.get("recipients") { _, _ in
            try Self.json(RecipientSetsBody(sets: try await store.recipientSetFiles()))
        }
        api.get("envelopes") { request, _ in try await fetchEnvelopes(request) }
        api.post("acknowledge") { request, _ in try await acknowledge(request) }
    }

    func fetchEnvelopes(_ request: Request) async throws -> Response {
        if case .failure(let refusal) = await authenticate(request, body: []) { return refusal.response }
        let query: EnvelopeQuery
        do {
            query = try EnvelopeQuery(parsing: request.uri.query ?? "")
        } catch {
            return Self.json(["error": error.description], status: .badRequest)
        }
        let page = try await store.fetchEnvelopes(after: query.after, limit: query.limit)
        let body = EnvelopePageBody(
            previousChain: page.previousChain.map(Hex.encode),
            envelopes: page.envelopes.map {
                StoredEnvelopeBody(
                    sequence: $0.sequence, receivedHour: $0.receivedHour, envelope: Base64.encode($0.envelope),
                    chain: Hex.encode($0.chain))
            },
            hasMore: page.hasMore, storeFull: try await store.isFull(),
            lost: page.lost.isEmpty ? nil : page.lost.map { LostRangeBody(first: $0.first, last: $0.last) },
            head: page.head)
        return Self.json(bytes: body.json)
    }

    func acknowledge(_ request: Request) async throws -> Response {
        let body: [UInt8]
        do {
            body = Array(buffer: try await request.body.collect(upTo: Self.maximumBodyBytes))
        } catch is NIOTooManyBytesError {
            return Self.json(["error": "the request body is too large"], status: .contentTooLarge)
        }
        let recipient: [UInt8]
        switch await authenticate(request, body: body) {
        case .success(let key): recipient = key
        case .failure(let refusal): return refusal.response
        }
        guard let acknowledgement = try? JSONDecoder().decode(AcknowledgementBody.self, from: Data(body)),
            let chain = Hex.decode(acknowledgement.chain), chain.count == HashChain.length
        else {
            return Self.json(
                ["error": "the body must be JSON with 'through' and a 64-digit hex 'chain'"], status: .badRequest)
        }
        do {
            let result = try await store.acknowledge(through: acknowledgement.through, chain: chain, by: recipient)
            if result.deleted > 0 { condition.noteRoomMade() }
            return try Self.json(
                AcknowledgementResultBody(deleted: result.deleted, acknowledged: result.acknowledgedThrough))
        } catch EnvelopeStore.AcknowledgementError.unknownSequence {
            return Self.json(["error": "the relay holds no envelope \(acknowledgement.through)"], status: .conflict)
        } catch EnvelopeStore.AcknowledgementError.chainMismatch {
            return Self.json(
                ["error": "the chain value differs from the relay's; nothing was deleted"], status: .conflict)
        } catch {
            logger.error("could not record an acknowledgement", metadata: ["error.type": "\(type(of: error))"])
            return Self.json(
                ["error": "the relay could not record it (its disk may be full); nothing was deleted"],
                status: .serviceUnavailable)
        }
    }

    /// A refusal to answer with.
    struct Refused: Error {
        let response: Response
    }

    /// The signer's key when the request is properly signed, else the 401 to answer with.
    private func authenticate(_ request: Request, body: [UInt8]) async -> Result<[UInt8], Refused> {
        do {
            return .success(
                try await authenticator.authenticate(
                    method: request.method.rawValue, path: request.uri.path, query: request.uri.query ?? "",
                    headers: request.headers, body: body))
        } catch {
            return .failure(Refused(response: Self.json(["error": error.reason], status: .unauthorized)))
        }
    }

    static func json(_ value: some Encodable, status: HTTPResponse.Status = .ok) throws -> Response {
        json(bytes: Array(try JSONEncoder().encode(value)), status: status)
    }

    static func json(bytes: [UInt8], status: HTTPResponse.Status = .ok) -> Response {
        var headers = HTTPFields()
        headers[.contentType] = "application/json"
        headers[.cacheControl] = "no-store"
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: bytes)))
    }

    static func json(_ value: [String: String], status: HTTPResponse.Status) -> Response {
        json(bytes: Array((try? JSONEncoder().encode(value)) ?? Data("{}".utf8)), status: status)
    }
}
