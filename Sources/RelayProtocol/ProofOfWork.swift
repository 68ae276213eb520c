import Sodium

/// The light proof of work a browser-sealed post carries (docs/RELAY-API.md section 5): a decimal
/// `n` such that SHA-512(challenge ":" n) starts with the relay's number of zero bits. The relay
/// checks it; the chair's canaries and the bench find it, as the page's script does.
public enum ProofOfWork {
    /// The challenge for one post: the form's token and the envelope's hash, so one solution
    /// cannot carry a second envelope.
    public static func challenge(token: String, envelope: [UInt8]) -> String {
        token + ":" + Hex.encode(SHA512.hash(envelope))
    }

    /// Whether `solution` solves `challenge` at `bits` zero bits.
    public static func isSolution(_ solution: String, to challenge: String, bits: Int) -> Bool {
        leadingZeroBits(SHA512.hash(Array("\(challenge):\(solution)".utf8))) >= bits
    }

    /// The smallest solution of `challenge` at `bits` zero bits.
    public static func solve(_ challenge: String, bits: Int) -> String {
        var counter = 0
        while !isSolution(String(counter), to: challenge, bits: bits) { counter += 1 }
        return String(counter)
    }

    static func leadingZeroBits(_ digest: [UInt8]) -> Int {
        var zeros = 0
        for byte in digest {
            zeros += byte.leadingZeroBitCount
            if byte != 0 { break }
        }
        return zeros
    }
}
