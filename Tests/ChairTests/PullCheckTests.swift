import Envelope
import RelayProtocol
import Sodium
import Testing

@testable import ChairCLI
@testable import ChairCore
@testable import ChairStorage
@testable import ChairSync

/// The pull's parallel step: each envelope decoded, linked to the chain value sent before it,
/// and opened, with anything malformed marked damaged rather than trusted or crashing on.
@Suite("Checking a page of envelopes")
struct PullCheckTests {
    let identity = ChairIdentity.generate()

    /// A page of `count` envelopes sealed to the identity, chained from genesis as the relay does.
    func page(_ count: Int) throws -> [StoredEnvelopeBody] {
        var previous = HashChain.genesis
        return try (1...count).map { sequence in
            let envelope = try Envelope.seal(
                Submission(message: "message \(sequence)"), to: [identity.encryption.publicKey])
            let chain = HashChain.link(
                previous: previous, sequence: Int64(sequence), receivedHour: "2026-11-29T21", envelope: envelope)
            previous = chain
            return StoredEnvelopeBody(
                sequence: Int64(sequence), receivedHour: "2026-11-29T21", envelope: Base64.encode(envelope),
                chain: Hex.encode(chain))
        }
    }

    @Test("a whole page links and opens, in order")
    func wholePage() throws {
        let items = try page(40)
        let checked = PullSession.check(items, chainBeforePage: HashChain.genesis, identity: identity)
        #expect(checked.count == 40)
        for (index, item) in checked.enumerated() {
            let item = try #require(item)
            #expect(item.linksToPrevious)
            let record = try item.opened.get()
            #expect(try SubmissionRecord.decode(record).message == "message \(index + 1)")
        }
    }

    @Test("a changed envelope, hour or chain value breaks its link; a wrong chain before the page breaks the first")
    func brokenLinks() throws {
        var items = try page(4)
        let other = try page(4)
        items[1].envelope = other[1].envelope
        items[2].receivedHour = "2026-11-29T22"
        let checked = PullSession.check(items, chainBeforePage: HashChain.genesis, identity: identity)
        #expect(checked.map { $0?.linksToPrevious } == [true, false, false, true])
        let wrongStart = PullSession.check(
            try page(2), chainBeforePage: Array(repeating: 7, count: 32), identity: identity)
        #expect(wrongStart.map { $0?.linksToPrevious } == [false, true])
        let unknownStart = PullSession.check(try page(1), chainBeforePage: [], identity: identity)
        #expect(unknownStart.map { $0?.linksToPrevious } == [false])
    }

    /// A hostile relay could send anything: each of these is "arrived damaged", never a crash.
    @Test(
        "malformed base64, chain values and hours are marked damaged",
        arguments: [
            "envelope", "chain-short", "chain-hex", "hour-long", "hour-short",
        ])
    func damaged(field: String) throws {
        var items = try page(3)
        switch field {
        case "envelope": items[1].envelope = "not base64!"
        case "chain-short": items[1].chain = "abcd"
        case "chain-hex": items[1].chain = String(repeating: "zz", count: 32)
        case "hour-long": items[1].receivedHour = String(repeating: "9", count: 300)
        default: items[1].receivedHour = "2026"
        }
        let checked = PullSession.check(items, chainBeforePage: HashChain.genesis, identity: identity)
        #expect(checked[0] != nil)
        #expect(checked[1] == nil)
    }

    @Test("an envelope sealed to someone else links but does not open")
    func notForUs() throws {
        let stranger = ChairIdentity.generate()
        let items = try page(2)
        let checked = PullSession.check(items, chainBeforePage: HashChain.genesis, identity: stranger)
        #expect(checked.allSatisfy { $0?.linksToPrevious == true })
        #expect(checked.allSatisfy { item in if case .failure = item?.opened { true } else { false } })
    }
}
