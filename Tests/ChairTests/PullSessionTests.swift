import Envelope
import Foundation
import RelayProtocol
import Sodium
import TestSupport
import Testing

@testable import ChairCore
@testable import ChairStorage
@testable import ChairSync

/// A relay in memory behind the connection protocol: it chains what is posted as the real one
/// does, serves pages, deletes what is acknowledged, and loses answers when a test says so.
final class FakeRelay: RelayConnection, @unchecked Sendable {
    let relayIdentity = RandomBytes.make(count: 32)
    let sets: [String]
    private let lock = NSLock()
    private var rows: [StoredEnvelopeBody] = []
    /// Every chain value issued, by sequence, deleted rows too: a page names the one before it.
    private var chains: [Int64: [UInt8]] = [0: HashChain.genesis]
    private var lastSequence: Int64 = 0
    private var answersLost = false
    private var acknowledged: Int64 = 0
    /// When set, an acknowledgement is carried out but its answer never arrives.
    var losesAcknowledgementAnswers: Bool {
        get { lock.withLock { answersLost } }
        set { lock.withLock { answersLost = newValue } }
    }
    /// The furthest any acknowledgement reached.
    var acknowledgedThrough: Int64 { lock.withLock { acknowledged } }

    init(sets: [RecipientSet]) { self.sets = sets.map { $0.render() } }

    /// Stores an envelope as the relay's intake does.
    func post(_ envelope: [UInt8]) {
        lock.withLock {
            lastSequence += 1
            let hour = "2026-12-08T09"
            let chain = HashChain.link(
                previous: chains[lastSequence - 1] ?? [], sequence: lastSequence, receivedHour: hour,
                envelope: envelope)
            chains[lastSequence] = chain
            rows.append(
                StoredEnvelopeBody(
                    sequence: lastSequence, receivedHour: hour, envelope: Base64.encode(envelope),
                    chain: Hex.encode(chain)))
        }
    }

    /// Changes a stored envelope after the fact, as someone with the database could.
    func alter(sequence: Int64, to envelope: [UInt8]) {
        lock.withLock {
            guard let index = rows.firstIndex(where: { $0.sequence == sequence }) else { return }
            rows[index].envelope = Base64.encode(envelope)
        }
    }

    var held: Int { lock.withLock { rows.count } }

    /// What the relay's data folder holds, to be put back later.
    struct Snapshot {
        fileprivate let rows: [StoredEnvelopeBody]
        fileprivate let chains: [Int64: [UInt8]]
        fileprivate let lastSequence: Int64
    }

    func snapshot() -> Snapshot { lock.withLock { Snapshot(rows: rows, chains: chains, lastSequence: lastSequence) } }

    /// Puts an earlier copy back whole, as a host restoring a data folder does, without the
    /// relay noticing: the same identity, numbers given again.
    func putBack(_ snapshot: Snapshot) {
        lock.withLock {
            rows = snapshot.rows
            chains = snapshot.chains
            lastSequence = snapshot.lastSequence
        }
    }

    func recipientSets() async throws(RelayFailure) -> [String] { sets }

    func fetchPage(after: Int64, limit: Int) async throws(RelayFailure) -> EnvelopePageBody {
        lock.withLock {
            let after = rows.filter { $0.sequence > after }
            let page = Array(after.prefix(limit))
            let before = page.first.flatMap { chains[$0.sequence - 1] }
            return EnvelopePageBody(
                previousChain: before.map(Hex.encode), envelopes: page, hasMore: after.count > page.count,
                storeFull: false, head: lastSequence)
        }
    }

    func acknowledgeOrHearRefusal(through: Int64, chain: [UInt8]) async throws(RelayFailure) -> AcknowledgementAnswer {
        let (answer, lose): (AcknowledgementAnswer, Bool) = lock.withLock {
            guard chains[through] == chain else { return (.historyDiffers(.said("not held")), false) }
            let before = rows.count
            rows.removeAll { $0.sequence <= through }
            acknowledged = max(acknowledged, through)
            return (.accepted(deleted: before - rows.count, acknowledgedThrough: acknowledged), answersLost)
        }
        if lose {
            throw .transfer(.unreachable("the answer was lost"), .acknowledgement(through: through), relay: "fake")
        }
        return answer
    }
}

/// The pull's steps in one process, against a relay in memory: what it stores, acknowledges,
/// sets aside and stops at, without a socket or a child process (the live tests do those).
@Suite("A pull against a relay in memory")
struct PullSessionTests {
    let chair = ChairIdentity.generate()
    let folder: TemporaryDirectory
    let store: ChairStore
    let set: RecipientSet
    let relay: FakeRelay

    init() throws {
        folder = try TemporaryDirectory()
        store = try ChairStore(path: folder.path("messages.sqlite"), storeKey: chair.storeKey)
        let key = try PublicKeyFile(
            name: "Chair", encryptionKey: chair.encryption.publicKey, signingKey: chair.signing.publicKey)
        set = try RecipientSet.sign(serial: 1, members: [.init(role: .chair, key: key)], with: chair.signing)
        relay = FakeRelay(sets: [set])
    }

    func pull(acceptBreak: Bool = false, events: EventLog = EventLog()) async throws -> PullSession.Outcome {
        let session = PullSession(
            relay: relay, store: store, identity: chair, relayAddress: "https://relay.test", acceptBreak: acceptBreak
        ) { events.append($0) }
        return try await session.run()
    }

    func postMessages(_ count: Int, contact: Bool = false) throws {
        for index in 1...count {
            relay.post(try Envelope.seal(Submission(message: "message \(index)"), to: set))
        }
    }

    @Test("everything is stored, then acknowledged, and a second pull finds nothing new")
    func storesThenAcknowledges() async throws {
        try postMessages(3)
        let first = try await pull()
        #expect(first.stored == 3 && first.chainBreak == nil && first.acknowledgementProblem == nil)
        #expect(try store.fetchMessages().map(\.submission?.message) == ["message 1", "message 2", "message 3"])
        #expect(relay.acknowledgedThrough == 3 && relay.held == 0)
        let second = try await pull()
        #expect(second.stored == 0)
        #expect(try store.fetchMessages().count == 3)
    }

    @Test("a lost answer to an acknowledgement is said, and the next pull repairs it without storing twice")
    func lostAcknowledgement() async throws {
        try postMessages(2)
        relay.losesAcknowledgementAnswers = true
        let first = try await pull()
        #expect(first.stored == 2)
        guard case .relay(.transfer(.unreachable, .acknowledgement(through: 2), _))? = first.acknowledgementProblem
        else {
            Issue.record("expected the lost acknowledgement, got \(String(describing: first.acknowledgementProblem))")
            return
        }
        relay.losesAcknowledgementAnswers = false
        try postMessages(1)
        let second = try await pull()
        #expect(second.stored == 1 && second.acknowledgementProblem == nil)
        #expect(try store.fetchMessages().count == 3)
    }

    @Test("a stranger's envelope naming no set is set aside, and the pull goes on past it")
    func strangerSetAside() async throws {
        try postMessages(1)
        relay.post(try Envelope.seal(Submission(message: "no set named"), to: [chair.encryption.publicKey]))
        try postMessages(1)
        let outcome = try await pull()
        #expect(outcome.stored == 2 && outcome.chainBreak == nil)
        #expect(outcome.setAside.map(\.reason) == [.namesNoRecipientSet])
        #expect(outcome.setAside.map(\.relaySequence) == [2])
        #expect(relay.held == 0)
    }

    @Test("an altered envelope stops the pull before it; --accept-break passes it once, as an event")
    func alteredEnvelope() async throws {
        try postMessages(3)
        relay.alter(sequence: 2, to: try Envelope.seal(Submission(message: "swapped"), to: set))
        let stopped = try await pull()
        #expect(stopped.stored == 1)
        #expect(stopped.chainBreak == .altered(2))
        let events = EventLog()
        let accepted = try await pull(acceptBreak: true, events: events)
        #expect(accepted.chainBreak == nil && accepted.stored == 2)
        #expect(events.all == [.acceptedBreak(.altered(2))])
    }

    @Test("a history put back under the relay is pulled again whole, and only what is new is stored")
    func rewrittenHistory() async throws {
        try postMessages(2)
        let earlier = relay.snapshot()
        try postMessages(1)
        #expect(try await pull().stored == 3)
        relay.putBack(earlier)
        relay.post(try Envelope.seal(Submission(message: "after the restore"), to: set))
        let outcome = try await pull()
        #expect(outcome.rewrittenAfter == 3 && outcome.numberedAgain == [3])
        #expect(outcome.stored == 1 && outcome.chainBreak == nil)
        #expect(
            try store.fetchMessages().map(\.submission?.message) == [
                "message 1", "message 2", "message 1", "after the restore",
            ])
        #expect(relay.held == 0)
    }

    @Test("a relay whose sets the store does not trust stops the pull before anything is fetched")
    func untrustedSetStops() async throws {
        let stranger = ChairIdentity.generate()
        let key = try PublicKeyFile(
            name: "Stranger", encryptionKey: stranger.encryption.publicKey, signingKey: stranger.signing.publicKey)
        _ = try await pull()
        let other = try RecipientSet.sign(serial: 2, members: [.init(role: .chair, key: key)], with: stranger.signing)
        let hostile = FakeRelay(sets: [set, other])
        let session = PullSession(
            relay: hostile, store: store, identity: chair, relayAddress: "https://relay.test", acceptBreak: false)
        let failure = await #expect(throws: SyncFailure.self) { try await session.run() }
        guard case .recipients(.signedByAnother(let set, _, let byOwnChair))? = failure else {
            Issue.record("expected a set signed by another, got \(String(describing: failure))")
            return
        }
        #expect(set.serial == 2 && byOwnChair)
        #expect(hostile.acknowledgedThrough == 0)
    }
}

/// The events a pull reported, in order.
final class EventLog: @unchecked Sendable {
    private let lock = NSLock()
    private var events: [PullSession.PullEvent] = []
    func append(_ event: PullSession.PullEvent) { lock.withLock { events.append(event) } }
    var all: [PullSession.PullEvent] { lock.withLock { events } }
}
