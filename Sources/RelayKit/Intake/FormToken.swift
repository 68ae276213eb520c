import Foundation
import RelayProtocol
import Sodium

/// A signed, never-stored token in each form: it carries the time the form was served, so a
/// post that comes too soon (a bot) or much later (a stale page) is noticed without tracking
/// anyone. It is also the challenge for the browser's proof of work.
struct FormTokens: Sendable {
    /// Why a token was not accepted.
    enum Problem: Error, Equatable {
        case missingOrForged
        case tooQuick
        case expired
    }

    /// Kept only in memory; a restart simply makes open forms ask to be sent again.
    private let key = SecretBytes.random(count: MessageAuthentication.keyLength)
    let minimumSeconds: Int
    let maximumSeconds = 24 * 3600
    /// Leading zero bits the browser's proof of work must reach.
    let proofOfWorkBits: Int
    let now: @Sendable () -> Int64

    init(
        minimumSeconds: Int, proofOfWorkBits: Int,
        now: @escaping @Sendable () -> Int64 = { Int64(Date().timeIntervalSince1970) }
    ) {
        self.minimumSeconds = minimumSeconds
        self.proofOfWorkBits = proofOfWorkBits
        self.now = now
    }

    /// "ISSUED.HEX-TAG" for a form served now.
    func issue() -> String {
        let issued = String(now())
        return issued + "."
            + Hex.encode(MessageAuthentication.tag(Array(("blind-relay/v1/form-token/" + issued).utf8), key: key))
    }

    /// Checks a token posted with a form.
    func check(_ token: String?) -> Problem? {
        guard let token, let dot = token.firstIndex(of: "."), let issued = Int64(token[..<dot]),
            let tag = Hex.decode(token[token.index(after: dot)...]),
            MessageAuthentication.verify(tag, message: Array(("blind-relay/v1/form-token/\(issued)").utf8), key: key)
        else { return .missingOrForged }
        let age = now() - issued
        if age < Int64(minimumSeconds) { return .tooQuick }
        if age > Int64(maximumSeconds) { return .expired }
        return nil
    }

    /// Whether SHA-512(token ":" solution) starts with `proofOfWorkBits` zero bits.
    func isProofOfWork(_ solution: String?, for token: String) -> Bool {
        guard let solution, solution.utf8.count <= 20, solution.utf8.allSatisfy({ (0x30...0x39).contains($0) }) else {
            return false
        }
        let digest = SHA512.hash(Array("\(token):\(solution)".utf8))
        var remaining = proofOfWorkBits
        for byte in digest {
            if remaining <= 0 { return true }
            if remaining >= 8 {
                guard byte == 0 else { return false }
                remaining -= 8
            } else {
                return byte >> (8 - remaining) == 0
            }
        }
        return true
    }
}
