import Foundation
import Hummingbird
import RelayProtocol
import Sodium

/// Checks that a chair API request is signed by a configured key, fresh, and not a replay.
actor RequestAuthenticator {
    /// Why a request was refused; the text goes back to the chair's tool.
    struct Refusal: Error, Equatable {
        let reason: String
    }

    private let signingKeys: [[UInt8]]
    private let relayIdentity: [UInt8]
    private let clockWindow: Int64
    private var seenNonces = SeenNonces()
    private let nonceLimit = 100_000
    /// When this process started: the nonces seen before it are forgotten, so no request signed
    /// before it is accepted after it (a captured request cannot replay across a restart).
    private let startedAt: Int64
    private let now: @Sendable () -> Int64

    init(
        signingKeys: [[UInt8]], relayIdentity: [UInt8], clockWindowSeconds: Int,
        now: @escaping @Sendable () -> Int64 = { Int64(Date().timeIntervalSince1970) }
    ) {
        self.signingKeys = signingKeys
        self.relayIdentity = relayIdentity
        self.clockWindow = Int64(clockWindowSeconds)
        self.now = now
        startedAt = now()
    }

    /// Accepts the request, returning the signer's key, or says why not. A nonce is remembered
    /// only once the signature holds, so unsigned traffic cannot fill the cache.
    func authenticate(method: String, path: String, query: String, headers: HTTPFields, body: [UInt8]) throws(Refusal)
        -> [UInt8]
    {
        func header(_ name: String) -> String? {
            headers.first { $0.name.canonicalName == name.lowercased() }?.value
        }
        guard let keyText = header(SignedRequest.keyHeader), let timestampText = header(SignedRequest.timestampHeader),
            let nonce = header(SignedRequest.nonceHeader), let signatureText = header(SignedRequest.signatureHeader)
        else { throw Refusal(reason: "the request is not signed") }
        guard let key = Base64.decode(keyText), signingKeys.contains(where: { constantTimeEquals($0, key) }) else {
            throw Refusal(reason: "the signing key is not one of this relay's recipients")
        }
        guard let timestamp = APINumbers.parseTimestamp(timestampText), SignedRequest.isWellFormedNonce(nonce),
            let signature = Base64.decode(signatureText)
        else { throw Refusal(reason: "the signature headers are malformed") }
        let current = now()
        guard APINumbers.distance(current, timestamp) <= clockWindow else {
            throw Refusal(
                reason:
                    "the request's time is more than \(clockWindow) seconds from the relay's clock; check your computer's clock"
            )
        }
        guard timestamp >= startedAt else {
            throw Refusal(
                reason:
                    "the request was signed before the relay last started, so it may be a replay; send it again (if this repeats, check your computer's clock)"
            )
        }
        let signed = SignedRequest.signedBytes(
            relay: relayIdentity, method: method, path: path, query: query, timestamp: timestamp, nonce: nonce,
            body: body)
        guard SigningKeyPair.verify(signature: signature, message: signed, publicKey: key) else {
            throw Refusal(reason: "the signature does not match the request")
        }
        // A nonce only needs remembering while its timestamp is still inside the window.
        seenNonces.forget(before: current - clockWindow)
        guard !seenNonces.contains(nonce) else {
            throw Refusal(reason: "this request was already received once (a replay)")
        }
        guard seenNonces.count < nonceLimit else { throw Refusal(reason: "too many requests; wait a few minutes") }
        seenNonces.insert(nonce, timestamp: timestamp)
        return key
    }
}
