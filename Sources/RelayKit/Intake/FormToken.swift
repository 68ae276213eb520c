import Foundation
import RelayProtocol
import Sodium
import Synchronization

/// A signed, single-use token in each form: it carries the time the form was served, so a post
/// that comes too soon (a bot) or much later (a stale page) is noticed without tracking anyone,
/// and once a message has been stored with it, it stores nothing more (a reloaded receipt, a
/// replayed post). It is also part of the browser's proof-of-work challenge.
public final class FormTokens: Sendable {
    /// Why a token was not accepted.
    public enum Problem: Error, Equatable {
        case missingOrForged
        case tooQuick
        case expired
        /// A message was already stored with this token.
        case alreadyUsed
    }

    /// Name of the key's file in the data folder.
    public static let keyFileName = "form-token.key"

    private let key: SecretBytes
    let minimumSeconds: Int
    let maximumSeconds = 24 * 3600
    /// Leading zero bits the browser's proof of work must reach.
    let proofOfWorkBits: Int
    let now: @Sendable () -> Int64
    /// Tokens that stored a message, by the hour they were issued, until they expire anyway.
    private let used = Mutex<[Int64: Set<TokenID>]>([:])

    /// The first 16 bytes of a token's tag: unguessable without the key, and nothing else.
    private struct TokenID: Hashable {
        let high: UInt64
        let low: UInt64
    }

    /// Tokens signed with `key`; `now` is the clock, in Unix seconds.
    public init(
        key: SecretBytes, minimumSeconds: Int, proofOfWorkBits: Int,
        now: @escaping @Sendable () -> Int64 = { Int64(Date().timeIntervalSince1970) }
    ) {
        precondition(key.count == MessageAuthentication.keyLength, "a form-token key is 32 bytes")
        self.key = key
        self.minimumSeconds = minimumSeconds
        self.proofOfWorkBits = proofOfWorkBits
        self.now = now
    }

    /// "ISSUED.NONCE.TAG" for a form served now: a fresh nonce, so every form has its own token.
    public func issue() -> String {
        let signed = String(now()) + "." + Hex.encode(RandomBytes.make(count: 16))
        return signed + "." + Hex.encode(tag(signed))
    }

    private func tag(_ signed: String) -> [UInt8] {
        MessageAuthentication.tag(Self.label + Array(signed.utf8), key: key)
    }

    private static let label = Array("blind-relay/v1/form-token/".utf8)

    /// The parsed parts of a well-formed token whose tag is ours.
    private func verify(_ token: String?) -> (issued: Int64, id: TokenID)? {
        guard let token, token.utf8.count <= 128 else { return nil }
        let parts = token.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 3, let issued = APINumbers.parseTimestamp(parts[0]),
            let nonce = Hex.decode(parts[1]), nonce.count == 16,
            let tag = Hex.decode(parts[2]), tag.count == MessageAuthentication.tagLength,
            MessageAuthentication.verify(
                tag, message: Self.label + Array(token.utf8.prefix(parts[0].utf8.count + 1 + parts[1].utf8.count)),
                key: key)
        else { return nil }
        let id = TokenID(
            high: tag[0..<8].reduce(0) { $0 << 8 | UInt64($1) }, low: tag[8..<16].reduce(0) { $0 << 8 | UInt64($1) })
        return (issued, id)
    }

    /// Checks a token posted with a form: ours, of the right age, and not used yet.
    public func check(_ token: String?) -> Problem? {
        guard let (issued, id) = verify(token) else { return .missingOrForged }
        // Both are bounded timestamps, so the difference cannot overflow.
        let age = now() - issued
        if age < Int64(minimumSeconds) { return .tooQuick }
        if age > Int64(maximumSeconds) { return .expired }
        let hour = issued / 3600
        return used.withLock { $0[hour]?.contains(id) == true } ? .alreadyUsed : nil
    }

    /// Marks a checked token as used; false when another post used it first (the loser of a race
    /// between two posts of one form stores nothing).
    public func claim(_ token: String) -> Bool {
        guard let (issued, id) = verify(token) else { return false }
        let oldestLiveHour = (now() - Int64(maximumSeconds)) / 3600 - 1
        return used.withLock { used in
            // Forgetting whole hours at a time keeps this O(1) per post on average.
            if used.keys.contains(where: { $0 < oldestLiveHour }) {
                used = used.filter { $0.key >= oldestLiveHour }
            }
            return used[issued / 3600, default: []].insert(id).inserted
        }
    }

    /// Makes a claimed token usable again, when the message could not be stored after all.
    func release(_ token: String) {
        guard let (issued, id) = verify(token) else { return }
        _ = used.withLock { $0[issued / 3600]?.remove(id) }
    }

    /// How many used tokens are remembered (for tests).
    var rememberedCount: Int { used.withLock { $0.values.reduce(0) { $0 + $1.count } } }

    /// Whether `solution` is a proof of work for this token and envelope (`ProofOfWork`).
    func isProofOfWork(_ solution: String?, token: String, envelope: [UInt8]) -> Bool {
        // Bounded and digits only before any hashing: the solution is outside input.
        guard let solution, solution.utf8.count <= 20, solution.utf8.allSatisfy({ (0x30...0x39).contains($0) }) else {
            return false
        }
        return ProofOfWork.isSolution(
            solution, to: ProofOfWork.challenge(token: token, envelope: envelope), bits: proofOfWorkBits)
    }

    /// Reads the token key from the data folder, or makes it there (mode 0600) the first time, so
    /// that a restart does not turn away every form that was open.
    public static func loadOrCreateKey(dataDirectory: String) throws(RelayConfiguration.Problem) -> SecretBytes {
        let path = (dataDirectory as NSString).appendingPathComponent(keyFileName)
        let length = MessageAuthentication.keyLength
        let created = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        if created >= 0 {
            let key = SecretBytes.random(count: length)
            let written = key.withPointer { write(created, $0, length) }
            let synced = fsync(created)
            close(created)
            guard written == length, synced == 0 else {
                unlink(path)
                throw .init(description: "cannot write \(path); check the data folder's free space and permissions")
            }
            return key
        }
        guard errno == EEXIST else {
            throw .init(description: "cannot create \(path); let the relay's user write to the data folder")
        }
        let existing = open(path, O_RDONLY | O_CLOEXEC)
        guard existing >= 0 else {
            throw .init(description: "cannot read \(path); let the relay's user read it (mode 0600)")
        }
        defer { close(existing) }
        var status = stat()
        guard fstat(existing, &status) == 0, status.st_mode & 0o077 == 0 else {
            throw .init(
                description: "\(path) can be read by other users; run 'chmod 600 \(path)' (it keeps forms unforgeable)")
        }
        // One byte more than a key, to notice a longer file.
        var readCount = 0
        let contents = SecretBytes(count: length + 1) { (buffer: UnsafeMutablePointer<UInt8>) in
            readCount = read(existing, buffer, length + 1)
        }
        guard readCount == length else {
            throw .init(
                description:
                    "\(path) is not a \(length)-byte key; delete it and restart (open forms will ask to be sent again)"
            )
        }
        return contents.slice(0..<length)
    }
}
