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

    /// Checks the address the chair typed, then asks the relay for its identity.
    static func connect(address: String, signer: SigningKeyPair) async throws(ChairError) -> RelayClient {
        var client = try RelayClient(address: address, signer: signer)
        let data = try await client.send(method: "GET", path: "/api/v1/relay", query: "", body: [], signed: false)
        guard let body = try? JSONDecoder().decode(RelayIdentityBody.self, from: data),
            let identity = Hex.decode(body.relay), identity.count == SignedRequest.relayIdentityLength
        else {
            throw ChairError(
                "the relay's answer could not be read", hint: "check that --relay is the Blind Relay's address")
        }
        client.relayIdentity = identity
        return client
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
        let data = try await send(method: "GET", path: "/api/v1/recipients", query: "", body: [], signed: false)
        guard let body = try? JSONDecoder().decode(RecipientSetsBody.self, from: data) else {
            throw ChairError(
                "the relay's answer could not be read", hint: "check that --relay is the Blind Relay's address")
        }
        return body.sets
    }

    /// One page of envelopes after `after`.
    func fetchPage(after: Int64, limit: Int) async throws(ChairError) -> EnvelopePageBody {
        let data = try await send(
            method: "GET", path: "/api/v1/envelopes", query: "after=\(after)&limit=\(limit)", body: [], signed: true)
        do {
            return try JSONDecoder().decode(EnvelopePageBody.self, from: data)
        } catch {
            throw ChairError(
                "the relay's answer could not be read", hint: "check that --relay is the Blind Relay's address")
        }
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
        let (status, data) = try await exchange(
            method: "POST", path: "/api/v1/acknowledge", query: "", body: body, signed: true)
        if status == 409 { return .historyDiffers(Self.reason(data, status: status)) }
        try Self.requireSuccess(status: status, data: data, baseURL: baseURL)
        let answer = try? JSONDecoder().decode(AcknowledgementResultBody.self, from: data)
        return .accepted(deleted: answer?.deleted ?? 0, acknowledgedThrough: answer?.acknowledged)
    }

    private func send(method: String, path: String, query: String, body: [UInt8], signed: Bool) async throws(ChairError)
        -> Data
    {
        let (status, data) = try await exchange(method: method, path: path, query: query, body: body, signed: signed)
        try Self.requireSuccess(status: status, data: data, baseURL: baseURL)
        return data
    }

    private static func reason(_ data: Data, status: Int) -> String {
        (try? JSONDecoder().decode([String: String].self, from: data))?["error"] ?? "status \(status)"
    }

    /// The chair's error for any answer but 200.
    private static func requireSuccess(status: Int, data: Data, baseURL: URL) throws(ChairError) {
        let reason = reason(data, status: status)
        switch status {
        case 200: return
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

    /// One request, signed or not: the status and body, whatever the status.
    private func exchange(method: String, path: String, query: String, body: [UInt8], signed: Bool)
        async throws(ChairError) -> (status: Int, data: Data)
    {
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
        request.timeoutInterval = 60
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
        let data: Data
        let response: URLResponse
        do {
            (data, response) = try await URLSession.shared.data(for: request)
        } catch {
            throw ChairError(
                "cannot reach the relay at \(baseURL.absoluteString): \(error.localizedDescription)",
                hint:
                    "check the address and your connection, then run the command again; whatever was already pulled is stored here, and nothing was lost"
            )
        }
        return ((response as? HTTPURLResponse)?.statusCode ?? 0, data)
    }
}
