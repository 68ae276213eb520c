import Sodium

/// How the chair signs requests to the relay's API and how the relay checks them
/// (docs/RELAY-API.md, "Authentication").
public enum SignedRequest {
    /// Header carrying the base64 Ed25519 public key of the signer.
    public static let keyHeader = "Blind-Relay-Key"
    /// Header carrying the Unix time in seconds when the request was signed.
    public static let timestampHeader = "Blind-Relay-Timestamp"
    /// Header carrying 16 random bytes as hex, unique per request.
    public static let nonceHeader = "Blind-Relay-Nonce"
    /// Header carrying the base64 Ed25519 signature.
    public static let signatureHeader = "Blind-Relay-Signature"
    static let label = "blind-relay/v2/request"
    /// Length of a relay's identity: 16 random bytes made once, when its store is created.
    public static let relayIdentityLength = 16

    /// The exact bytes that are signed. `relay` is the identity of the relay the request is
    /// for, so a request captured on its way to one relay is worthless at any other.
    public static func signedBytes(
        relay: [UInt8], method: String, path: String, query: String, timestamp: Int64, nonce: String, body: [UInt8]
    ) -> [UInt8] {
        let lines = [
            label, Hex.encode(relay), method, path, query, String(timestamp), nonce, Hex.encode(SHA512.hash(body)),
        ]
        return Array(lines.joined(separator: "\n").utf8)
    }

    /// The four headers of a request for relay `relay`, signed by `signer` at `timestamp`.
    public static func headers(
        signer: SigningKeyPair, relay: [UInt8], method: String, path: String, query: String, body: [UInt8],
        timestamp: Int64
    ) -> [(String, String)] {
        let nonce = Hex.encode(RandomBytes.make(count: 16))
        let bytes = signedBytes(
            relay: relay, method: method, path: path, query: query, timestamp: timestamp, nonce: nonce, body: body)
        return [
            (keyHeader, Base64.encode(signer.publicKey)),
            (timestampHeader, String(timestamp)),
            (nonceHeader, nonce),
            (signatureHeader, Base64.encode(signer.sign(bytes))),
        ]
    }

    /// Whether a nonce has the required form: 32 lower-case hex digits.
    public static func isWellFormedNonce(_ nonce: String) -> Bool {
        nonce.utf8.count == 32 && nonce.utf8.allSatisfy { (0x30...0x39).contains($0) || (0x61...0x66).contains($0) }
    }
}
