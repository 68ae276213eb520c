import Envelope
import Foundation
import RelayProtocol
import Sodium

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// Talks to the relay's chair API, signing every request with the chair's key and the relay's
/// identity, so that no request is good at any other relay.
struct RelayClient {
    let baseURL: URL
    let signer: SigningKeyPair
    /// The relay's identity (docs/RELAY-API.md section 3), asked for once by `connect`.
    private(set) var relayIdentity: [UInt8] = []

    /// What one request to the relay is for: its deadline and the words of its failures say it.
    enum Step {
        case identity
        case recipientSets
        case page(after: Int64)
        case acknowledgement(through: Int64)

        var words: String {
            switch self {
            case .identity: "asking the relay who it is"
            case .recipientSets: "fetching the recipients sets the relay seals to"
            case .page(let after): "fetching the envelopes after \(after)"
            case .acknowledgement(let through): "telling the relay that everything up to envelope \(through) is stored"
            }
        }
    }

    /// The most bytes an answer may hold: what the API can send, and no more (docs/RELAY-API.md
    /// section 3). A page's bound follows from its envelopes: at most `limit`, each at most the
    /// largest size class with every stanza, in base64, with room for its other fields and for
    /// the lost ranges a page repeats.
    enum AnswerLimit {
        static let small = 64 * 1024
        static let recipientSets = 4 * 1024 * 1024
        static let maximumSets = 10_000
        static let largestEnvelope =
            EnvelopeFormat.fixedHeaderLength + EnvelopeFormat.recipientRange.upperBound * EnvelopeFormat.stanzaLength
            + SizeClass.large.paddedLength + EnvelopeFormat.payloadTagLength
        static let perEnvelope = (largestEnvelope + 2) / 3 * 4 + 512
        static let lostRanges = 4 * 1024 * 1024
        static func page(limit: Int) -> Int { limit * perEnvelope + lostRanges }
    }

    /// Seconds one request may take from start to last byte; `BLIND_RELAY_REQUEST_SECONDS`
    /// (1 to 3600) for a very slow link (docs/CHAIR.md).
    static var deadlineSeconds: Int {
        ProcessInfo.processInfo.environment["BLIND_RELAY_REQUEST_SECONDS"].flatMap { Int($0) }
            .flatMap { (1...3600).contains($0) ? $0 : nil } ?? 300
    }

    /// Checks the address the chair typed, then asks the relay for its identity.
    static func connect(address: String, signer: SigningKeyPair) async throws(ChairError) -> RelayClient {
        var client = try RelayClient(address: address, signer: signer)
        let data = try await client.send(
            .identity, method: "GET", path: "/api/v1/relay", query: "", body: [], signed: false,
            limit: AnswerLimit.small)
        client.relayIdentity = try client.decoded(.identity) { try RelayAnswer.identity(data) }
        return client
    }

    /// Decodes an answer, in the chair's words when it cannot be used.
    private func decoded<Value>(_ step: Step, _ decode: () throws -> Value) throws(ChairError) -> Value {
        let problem: RelayAnswer.Problem
        do {
            return try decode()
        } catch let error as RelayAnswer.Problem {
            problem = error
        } catch {
            problem = .unreadable
        }
        switch problem {
        case .unreadable:
            throw ChairError(
                "the relay's answer could not be read (\(step.words))",
                hint: "check that --relay is the Blind Relay's address")
        case .outOfRange:
            throw ChairError(
                "the relay's answer holds numbers no Blind Relay sends (\(step.words)); nothing from it was used",
                hint:
                    "check the address; if it is right, the relay's software may have been changed: tell its host, and pull again once it is explained"
            )
        }
    }

    /// Validates the address the chair typed.
    private init(address: String, signer: SigningKeyPair) throws(ChairError) {
        guard let url = URL(string: address), let scheme = url.scheme?.lowercased(),
            scheme == "https" || scheme == "http",
            url.host != nil
        else {
            throw ChairError(
                "'\(address)' is not a web address",
                hint: "give the relay's address, e.g. --relay https://contact.example.police.uk")
        }
        self.baseURL = url
        self.signer = signer
    }

    /// The recipients sets the relay says its envelopes were sealed to, unchecked.
    func recipientSets() async throws(ChairError) -> [String] {
        let data = try await send(
            .recipientSets, method: "GET", path: "/api/v1/recipients", query: "", body: [], signed: false,
            limit: AnswerLimit.recipientSets)
        return try decoded(.recipientSets) { try RelayAnswer.recipientSets(data, maximumSets: AnswerLimit.maximumSets) }
    }

    /// One page of at most `limit` envelopes after `after`.
    func fetchPage(after: Int64, limit: Int) async throws(ChairError) -> EnvelopePageBody {
        let data = try await send(
            .page(after: after), method: "GET", path: "/api/v1/envelopes", query: "after=\(after)&limit=\(limit)",
            body: [], signed: true, limit: AnswerLimit.page(limit: limit))
        return try decoded(.page(after: after)) { try RelayAnswer.envelopePage(data, limit: limit) }
    }

    /// Tells the relay everything up to `through` is safely stored here.
    func acknowledge(through: Int64, chain: [UInt8]) async throws(ChairError) -> Int {
        switch try await acknowledgeOrHearRefusal(through: through, chain: chain) {
        case .accepted(let deleted, _): return deleted
        case .historyDiffers(let reason):
            throw ChairError(
                "the relay did not accept the acknowledgement: \(reason)",
                hint: "your messages are safely stored here; run 'chair pull' again later")
        }
    }

    /// What the relay made of an acknowledgement.
    enum AcknowledgementAnswer {
        /// Taken; this many rows were deleted, and this signer has now acknowledged everything up
        /// to `acknowledgedThrough` (from any copy of its store), when the relay says.
        case accepted(deleted: Int, acknowledgedThrough: Int64?)
        /// Refused (409): the relay does not hold that envelope, or holds another in its place.
        case historyDiffers(String)
    }

    /// Tells the relay everything up to `through` is safely stored here, and hears a refusal
    /// that means the relay's history is no longer this store's.
    func acknowledgeOrHearRefusal(through: Int64, chain: [UInt8]) async throws(ChairError) -> AcknowledgementAnswer {
        let body: [UInt8]
        do {
            body = Array(try JSONEncoder().encode(AcknowledgementBody(through: through, chain: Hex.encode(chain))))
        } catch {
            throw ChairError("could not prepare the acknowledgement", hint: "run 'chair pull' again")
        }
        let step = Step.acknowledgement(through: through)
        let answer = try await exchange(
            step, method: "POST", path: "/api/v1/acknowledge", query: "", body: body, signed: true,
            limit: AnswerLimit.small)
        if answer.status == 409 { return .historyDiffers(Self.reason(answer.data, status: answer.status)) }
        try requireSuccess(answer, step: step)
        let result = try decoded(step) { try RelayAnswer.acknowledgement(answer.data) }
        return .accepted(deleted: result?.deleted ?? 0, acknowledgedThrough: result?.acknowledged)
    }

    private func send(
        _ step: Step, method: String, path: String, query: String, body: [UInt8], signed: Bool, limit: Int
    ) async throws(ChairError) -> Data {
        let answer = try await exchange(
            step, method: method, path: path, query: query, body: body, signed: signed, limit: limit)
        try requireSuccess(answer, step: step)
        return answer.data
    }

    /// The reason an error answer gives, as the relay's own words may be shown: no control
    /// character reaches the chair's terminal, and no more than a line of it.
    private static func reason(_ data: Data, status: Int) -> String {
        guard let said = (try? JSONDecoder().decode([String: String].self, from: data))?["error"] else {
            return "status \(status)"
        }
        let shown = SubmissionText.safeForTerminal(said)
        return shown.count > 200 ? String(shown.prefix(199)) + "…" : shown
    }

    /// The chair's error for any answer but 200.
    private func requireSuccess(_ answer: BoundedTransfer.Answer, step: Step) throws(ChairError) {
        let reason = Self.reason(answer.data, status: answer.status)
        switch answer.status {
        case 200: return
        case 300...399:
            // Followed, a redirect would carry the chair's signature to wherever it points.
            let target = answer.header("Location") ?? "another address"
            throw ChairError(
                "while \(step.words), the relay answered with a redirect to "
                    + "\(SubmissionText.safeForTerminal(String(target.prefix(200)))), which the chair's tool never follows",
                hint:
                    "use the relay's own address, as its host gave it (https and the exact name); if that is what you used, tell its host"
            )
        case 404:
            // Every relay answers the API's paths: a 404 is someone else's site, or a wrong path.
            throw ChairError(
                "\(baseURL.absoluteString) has no Blind Relay there (it answered 404, not found): the address is probably wrong",
                hint:
                    "check the relay's address with its host: it is the address of the public form, e.g. https://contact.example.org, without /api"
            )
        case 401:
            throw ChairError(
                "the relay refused your request: \(reason)",
                hint:
                    "check that you are in the recipients set the relay's host installed ('chair recipients show') and that this computer's clock is right"
            )
        default:
            throw ChairError("the relay answered with an error: \(reason)", hint: "try again later; nothing was lost")
        }
    }

    /// One request, signed or not, read up to `limit` bytes within the deadline, following no
    /// redirect: the status and body, whatever the status.
    private func exchange(
        _ step: Step, method: String, path: String, query: String, body: [UInt8], signed: Bool, limit: Int
    ) async throws(ChairError) -> BoundedTransfer.Answer {
        let basePath = baseURL.path.hasSuffix("/") ? String(baseURL.path.dropLast()) : baseURL.path
        let fullPath = basePath + path
        var components = URLComponents()
        components.scheme = baseURL.scheme
        components.host = baseURL.host
        components.port = baseURL.port
        components.percentEncodedPath = fullPath
        components.percentEncodedQuery = query.isEmpty ? nil : query
        guard let url = components.url else {
            throw ChairError("the relay address cannot be used", hint: "give it as https://host[:port]")
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
            throw Self.explain(error, step: step, relay: baseURL.absoluteString)
        }
    }

    /// The chair's words for an exchange that gave no answer.
    static func explain(_ failure: BoundedTransfer.Failure, step: Step, relay: String) -> ChairError {
        switch failure {
        case .tooLarge(let limit):
            ChairError(
                "while \(step.words), the relay sent more than any Blind Relay sends (over \(limit / 1_048_576 + 1) MiB), "
                    + "so it was not read",
                hint:
                    "check the address; if it is right, tell the relay's host; whatever was already pulled is stored here, and nothing was lost"
            )
        case .deadlinePassed(let seconds):
            ChairError(
                "the relay did not finish answering within \(seconds) seconds while \(step.words)",
                hint:
                    "check your connection and run the command again; whatever was already pulled is stored here, and nothing was lost (a very slow link can allow more time with BLIND_RELAY_REQUEST_SECONDS)"
            )
        case .unreachable(let reason):
            ChairError(
                "cannot reach the relay at \(relay): \(reason)",
                hint:
                    "check the address and your connection, then run the command again; whatever was already pulled is stored here, and nothing was lost"
            )
        }
    }
}
