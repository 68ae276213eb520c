import ChairCore
import ChairStorage
import Envelope
import Foundation
import RelayProtocol
import Sodium

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// Talks to the relay's chair API over HTTP, signing every request with the chair's key and the
/// relay's identity, so that no request is good at any other relay.
package struct RelayClient: RelayConnection {
    let baseURL: URL
    package let signer: SigningKeyPair
    /// The relay's identity (docs/RELAY-API.md section 3), asked for once by `connect`.
    package private(set) var relayIdentity: [UInt8] = []

    /// The most bytes an answer may hold: what the API can send, and no more (docs/RELAY-API.md
    /// section 3). A page's bound follows from its envelopes: at most `limit`, each at most the
    /// largest size class with every stanza, in base64, with room for its other fields and for
    /// the lost ranges a page repeats.
    package enum AnswerLimit {
        package static let small = 64 * 1024
        package static let recipientSets = 4 * 1024 * 1024
        static let maximumSets = 10_000
        static let largestEnvelope =
            EnvelopeFormat.fixedHeaderLength + EnvelopeFormat.recipientRange.upperBound * EnvelopeFormat.stanzaLength
            + SizeClass.large.paddedLength + EnvelopeFormat.payloadTagLength
        static let perEnvelope = (largestEnvelope + 2) / 3 * 4 + 512
        package static let lostRanges = 4 * 1024 * 1024
        package static func page(limit: Int) -> Int { limit * perEnvelope + lostRanges }
    }

    /// Seconds one request may take from start to last byte; `BLIND_RELAY_REQUEST_SECONDS`
    /// (1 to 3600) for a very slow link (docs/CHAIR.md).
    static var deadlineSeconds: Int {
        ProcessInfo.processInfo.environment["BLIND_RELAY_REQUEST_SECONDS"].flatMap { Int($0) }
            .flatMap { (1...3600).contains($0) ? $0 : nil } ?? 300
    }

    /// Checks the address the chair typed, then asks the relay for its identity.
    package static func connect(address: String, signer: SigningKeyPair) async throws(RelayFailure) -> RelayClient {
        var client = try RelayClient(address: address, signer: signer)
        let data = try await client.send(
            .identity, method: "GET", path: "/api/v1/relay", query: "", body: [], signed: false,
            limit: AnswerLimit.small)
        client.relayIdentity = try client.decoded(.identity) { try RelayAnswer.identity(data) }
        return client
    }

    /// Decodes an answer, or says why it cannot be used.
    private func decoded<Value>(_ step: RelayStep, _ decode: () throws -> Value) throws(RelayFailure) -> Value {
        let problem: RelayAnswer.Problem
        do {
            return try decode()
        } catch let error as RelayAnswer.Problem {
            problem = error
        } catch {
            problem = .unreadable
        }
        switch problem {
        case .unreadable: throw .answerUnreadable(step)
        case .outOfRange: throw .answerOutOfRange(step)
        }
    }

    /// Validates the address the chair typed.
    private init(address: String, signer: SigningKeyPair) throws(RelayFailure) {
        guard let url = URL(string: address), let scheme = url.scheme?.lowercased(),
            scheme == "https" || scheme == "http",
            url.host != nil
        else {
            throw .notAWebAddress(address)
        }
        self.baseURL = url
        self.signer = signer
    }

    /// The recipients sets the relay says its envelopes were sealed to, unchecked.
    package func recipientSets() async throws(RelayFailure) -> [String] {
        let data = try await send(
            .recipientSets, method: "GET", path: "/api/v1/recipients", query: "", body: [], signed: false,
            limit: AnswerLimit.recipientSets)
        return try decoded(.recipientSets) { try RelayAnswer.recipientSets(data, maximumSets: AnswerLimit.maximumSets) }
    }

    /// One page of at most `limit` envelopes after `after`.
    package func fetchPage(after: Int64, limit: Int) async throws(RelayFailure) -> EnvelopePageBody {
        let data = try await send(
            .page(after: after), method: "GET", path: "/api/v1/envelopes", query: "after=\(after)&limit=\(limit)",
            body: [], signed: true, limit: AnswerLimit.page(limit: limit))
        return try decoded(.page(after: after)) { try RelayAnswer.envelopePage(data, limit: limit) }
    }

    /// Tells the relay everything up to `through` is safely stored here, and hears a refusal
    /// that means the relay's history is no longer this store's.
    package func acknowledgeOrHearRefusal(through: Int64, chain: [UInt8]) async throws(RelayFailure)
        -> AcknowledgementAnswer
    {
        let body: [UInt8]
        do {
            body = Array(try JSONEncoder().encode(AcknowledgementBody(through: through, chain: Hex.encode(chain))))
        } catch {
            throw .acknowledgementNotPrepared
        }
        let step = RelayStep.acknowledgement(through: through)
        let answer = try await exchange(
            step, method: "POST", path: "/api/v1/acknowledge", query: "", body: body, signed: true,
            limit: AnswerLimit.small)
        if answer.status == 409 { return .historyDiffers(Self.reason(answer.data, status: answer.status)) }
        try requireSuccess(answer, step: step)
        let result = try decoded(step) { try RelayAnswer.acknowledgement(answer.data) }
        return .accepted(deleted: result?.deleted ?? 0, acknowledgedThrough: result?.acknowledged)
    }

    private func send(
        _ step: RelayStep, method: String, path: String, query: String, body: [UInt8], signed: Bool, limit: Int
    ) async throws(RelayFailure) -> Data {
        let answer = try await exchange(
            step, method: method, path: path, query: query, body: body, signed: signed, limit: limit)
        try requireSuccess(answer, step: step)
        return answer.data
    }

    /// The reason an error answer gives, in the relay's own words: untrusted text, which the
    /// command line cleans before it reaches a terminal.
    private static func reason(_ data: Data, status: Int) -> RelayFailure.Reason {
        guard let said = (try? JSONDecoder().decode([String: String].self, from: data))?["error"] else {
            return .status(status)
        }
        return .said(said)
    }

    /// The failure for any answer but 200.
    private func requireSuccess(_ answer: BoundedTransfer.Answer, step: RelayStep) throws(RelayFailure) {
        let reason = Self.reason(answer.data, status: answer.status)
        switch answer.status {
        case 200: return
        case 300...399:
            // Followed, a redirect would carry the chair's signature to wherever it points.
            throw .redirected(step, to: answer.header("Location"))
        // Every relay answers the API's paths: a 404 is someone else's site, or a wrong path.
        case 404: throw .noRelayThere(address: baseURL.absoluteString)
        case 401: throw .refused(reason)
        default: throw .errorAnswer(reason)
        }
    }

    /// One request, signed or not, read up to `limit` bytes within the deadline, following no
    /// redirect: the status and body, whatever the status.
    private func exchange(
        _ step: RelayStep, method: String, path: String, query: String, body: [UInt8], signed: Bool, limit: Int
    ) async throws(RelayFailure) -> BoundedTransfer.Answer {
        let basePath = baseURL.path.hasSuffix("/") ? String(baseURL.path.dropLast()) : baseURL.path
        let fullPath = basePath + path
        var components = URLComponents()
        components.scheme = baseURL.scheme
        components.host = baseURL.host
        components.port = baseURL.port
        components.percentEncodedPath = fullPath
        components.percentEncodedQuery = query.isEmpty ? nil : query
        guard let url = components.url else {
            throw .addressUnusable
        }
        var request = URLRequest(url: url)
        request.httpMethod = method
        if !body.isEmpty {
            request.httpBody = Data(body)
            request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        }
        if signed {
            for (name, value) in SignedRequest.headers(
                signer: signer, relay: relayIdentity, method: method, path: fullPath, query: query, body: body,
                timestamp: Int64(Date().timeIntervalSince1970))
            {
                request.setValue(value, forHTTPHeaderField: name)
            }
        }
        do {
            return try await BoundedTransfer.send(
                request, limit: limit, seconds: Self.deadlineSeconds, redirects: .none)
        } catch {
            throw .transfer(error, step, relay: baseURL.absoluteString)
        }
    }
}
