import ChairCore
import ChairStorage
import Envelope
import Foundation
import RelayProtocol
import Sodium

/// One pull in progress: where it stands on the relay and what it has found, moved on by the
/// named steps `PullSession.run` takes in order (begin, re-acknowledge, fetch a page, triage it,
/// store it, finish). Each step says in its name what it does; none prints or words anything.
struct PullRun {
    let session: PullSession
    private(set) var outcome = PullSession.Outcome()
    private let started = Date()
    /// This reader's canaries by identifier: whether each has arrived already.
    private var ownCanaries: [String: Bool]
    /// Where this store stands on the relay; nil before its first envelope or in a rewrite.
    private var cursor: ChairStore.Cursor?
    private var lost: LostRanges
    private var pattern: SetAsidePattern
    private var group: GroupRecipients
    /// Set when the relay's history is no longer this store's (`PullSession.Rewrite`).
    private var rewrite: PullSession.Rewrite?
    /// How far another copy of this store pulled, when the relay says it went further.
    private var pulledElsewhereThrough: Int64?
    /// The cursor's sequence once re-acknowledged: where this pull began.
    private var startedAt: Int64?
    private var acceptNextBreak: Bool
    /// The next page, asked for while this one is opened and stored.
    private var prefetched: Task<EnvelopePageBody, any Error>?
    /// The acknowledgement of the last page stored; the relay needs them in order, so each
    /// waits for the one before it.
    private var acknowledging: Task<Int, any Error>?
    /// Set when the relay has nothing after what this pull stored.
    private var reachedEnd = false

    /// What one page holds once checked: what to store, and what to say of it.
    struct TriagedPage {
        var batch: [ChairStore.Incoming] = []
        var canaries: [String: Int64] = [:]
        var setAside: [PullSession.SetAsideEnvelope] = []
        /// The last envelope linked on the page, which the cursor moves to.
        var last: (sequence: Int64, chain: [UInt8])?
    }

    private var relay: any RelayConnection { session.relay }
    private var store: ChairStore { session.store }

    // MARK: Begin

    /// Reads where the store stands and checks who the relay seals to, before anything is said
    /// to it: a set signed by someone else stops the pull before this store's identity is used.
    static func begin(_ session: PullSession) async throws(SyncFailure) -> PullRun {
        let store = session.store
        var ownCanaries: [String: Bool] = [:]
        var cursor: ChairStore.Cursor?
        do {
            for (_, canary) in try store.fetchCanaries() { ownCanaries[canary.identifier] = canary.arrivedAs != nil }
            cursor = try store.fetchCursor()
        } catch {
            throw .storeUnreadable
        }
        // Stores filled before addresses were normalised may hold "https://host/".
        if let cursor, (RelayAddress.normalise(cursor.relay) ?? cursor.relay) != session.relayAddress {
            throw .filledFromAnotherRelay(stored: cursor.relay, given: session.relayAddress)
        }
        var recreatedAfter: Int64?
        // A store recreated empty has a new identity and numbers from 1 again: whatever the old
        // one held beyond this store's cursor is gone, and the new one is followed from its start.
        if let stored = cursor, let known = stored.relayIdentity, known != session.relay.relayIdentity {
            recreatedAfter = stored.sequence
            cursor = nil
        }
        let group = try await GroupRecipients.load(from: session.relay, store: store, identity: session.identity)
        if let current = group.relayCurrent,
            !current.members.contains(where: { $0.key.signingKey == session.identity.signing.publicKey })
        {
            throw .notARecipient(
                current: current, handedOver: group.handedOverTo == Hex.encode(current.chair.key.signingKey),
                trustChanges: group.trustChanges)
        }
        var run = PullRun(
            session: session, ownCanaries: ownCanaries, cursor: cursor,
            lost: LostRanges(
                pulledThrough: cursor?.sequence, reported: cursor?.reportedLost ?? [],
                relay: session.relay.relayIdentity),
            pattern: SetAsidePattern(trailingRun: cursor?.setAsideRun ?? 0, countsUnopened: cursor != nil),
            group: group, acceptNextBreak: session.acceptBreak)
        run.outcome.recreatedAfter = recreatedAfter
        run.outcome.trustChanges = group.trustChanges
        run.outcome.relayBehind = group.relayBehind
        return run
    }

    private init(
        session: PullSession, ownCanaries: [String: Bool], cursor: ChairStore.Cursor?, lost: LostRanges,
        pattern: SetAsidePattern, group: GroupRecipients, acceptNextBreak: Bool
    ) {
        self.session = session
        self.ownCanaries = ownCanaries
        self.cursor = cursor
        self.lost = lost
        self.pattern = pattern
        self.group = group
        self.acceptNextBreak = acceptNextBreak
    }

    // MARK: Re-acknowledge

    /// Tells the relay again where this store stands: if the answer to the last pull's
    /// acknowledgement was lost, this repairs it (acknowledging is idempotent), so the relay can
    /// free what it holds even when nothing new has arrived. A refusal means the relay no longer
    /// holds what this store pulled last: its history was rewritten.
    mutating func reacknowledge() async throws(SyncFailure) {
        defer { startedAt = cursor?.sequence }
        guard let stored = cursor else { return }
        let answer: AcknowledgementAnswer
        do {
            answer = try await relay.acknowledgeOrHearRefusal(through: stored.sequence, chain: stored.chain)
        } catch {
            outcome.acknowledgementProblem = .relay(error)
            return
        }
        switch answer {
        case .accepted(let deleted, let through):
            outcome.deletedOnRelay = PullSession.saturatingSum(outcome.deletedOnRelay, deleted)
            // Another copy of this store (the one a restored backup was taken from) pulled
            // further than this one.
            if let through, through > stored.sequence, through <= APINumbers.maximumSequence {
                pulledElsewhereThrough = through
            }
        case .historyDiffers:
            try startRewrite(pulledThrough: stored.sequence)
        }
    }

    /// From here on, everything the relay holds is fetched and checked, and what this store
    /// holds already is left out.
    private mutating func startRewrite(pulledThrough: Int64) throws(SyncFailure) {
        do {
            rewrite = PullSession.Rewrite(
                pulledThrough: pulledThrough, held: try store.heldChains(),
                deleted: Set(try store.fetchKeptCounts().deletedChains))
        } catch {
            throw .storeUnreadable
        }
        cursor = nil
    }

    // MARK: Fetch

    /// The next page with envelopes on it, its lost ranges taken in; nil at the relay's end.
    mutating func fetchNextPage() async throws(SyncFailure) -> EnvelopePageBody? {
        while true {
            let page: EnvelopePageBody
            if let prefetched {
                page = try await PullSession.result(of: prefetched)
            } else {
                do {
                    page = try await relay.fetchPage(after: cursor?.sequence ?? 0, limit: PullSession.pageSize)
                } catch {
                    throw .relay(error)
                }
            }
            prefetched = nil
            // A relay whose numbers stop below this store's cursor has had its history put back
            // without knowing it: start again from everything it holds.
            if rewrite == nil, let stored = cursor, let head = page.head, head < stored.sequence {
                try startRewrite(pulledThrough: stored.sequence)
                prefetch(after: 0)
                continue
            }
            outcome.relayFull = page.storeFull
            outcome.lostRanges += lost.absorb(page.lost, firstOnPage: page.envelopes.first?.sequence)
            guard let last = page.envelopes.last else {
                reachedEnd = true
                return nil
            }
            // Ask for the next page while this one is opened and stored: the relay and the
            // chair then work at the same time instead of taking turns.
            if page.hasMore { prefetch(after: last.sequence) }
            return page
        }
    }

    private mutating func prefetch(after sequence: Int64) {
        let relay = relay
        prefetched = Task { try await relay.fetchPage(after: sequence, limit: PullSession.pageSize) }
    }

    // MARK: Triage

    /// Checks a page against the chain and opens it; sorts each envelope into a message, a
    /// canary, a set-aside envelope or an unopened one; stops at a break in the history.
    mutating func triage(_ page: EnvelopePageBody) -> TriagedPage {
        let placed = placement(of: page)
        var expectedSequence = placed.expected
        var triaged = TriagedPage()
        let checked = PullSession.check(
            page.envelopes, chainBeforePage: placed.chain, identity: session.identity,
            restartAfter: lost.restartChains)
        for (item, checked) in zip(page.envelopes, checked) {
            guard let checked else {
                outcome.chainBreak = .arrivedDamaged(item.sequence)
                break
            }
            expectedSequence = lost.crossing(from: expectedSequence)
            if let problem = PullSession.chainProblem(
                item: item, linksToPrevious: checked.linksToPrevious, expectedSequence: expectedSequence)
            {
                guard acceptNextBreak else {
                    outcome.chainBreak = problem
                    break
                }
                acceptNextBreak = false
                session.report(.acceptedBreak(problem))
            }
            expectedSequence = item.sequence + 1
            triaged.last = (item.sequence, checked.chain)
            // Held here already, and checked when it was stored, or deleted by the chair: linked,
            // not stored again.
            if let rewrite, rewrite.holdsOrDeleted(checked.receiptChain) { continue }
            sort(item, checked, into: &triaged)
        }
        return triaged
    }

    /// The chain value the page links from, and the sequence expected first on it.
    private mutating func placement(of page: EnvelopePageBody) -> (chain: [UInt8], expected: Int64) {
        var chainBeforePage = cursor?.chain ?? page.previousChain.flatMap(Hex.decode) ?? []
        var expectedSequence = (cursor?.sequence ?? 0) + 1
        // A new store starts where the relay's history does: what came before was delivered
        // and deleted before this store existed, and is not missing. It is said, not alarmed.
        if cursor == nil, let first = page.envelopes.first, first.sequence > 1, page.previousChain != nil {
            expectedSequence = first.sequence
            if rewrite == nil { outcome.firstSequence = first.sequence }
        }
        // A store restored from a backup: what this identity acknowledged from the lost copy
        // after the backup was deleted from the relay once every reader had it. The relay
        // vouches for the row before the first it still holds; the chain goes on from there.
        if let stored = cursor, let through = pulledElsewhereThrough, let first = page.envelopes.first,
            first.sequence > stored.sequence + 1, first.sequence - 1 <= through,
            let previous = page.previousChain.flatMap(Hex.decode), previous.count == HashChain.length
        {
            outcome.pulledElsewhere = (stored.sequence + 1, first.sequence - 1)
            expectedSequence = first.sequence
            chainBeforePage = previous
            pulledElsewhereThrough = nil
        }
        return (chainBeforePage, expectedSequence)
    }

    /// Puts one linked envelope where it belongs: stored as a message, counted as a canary,
    /// set aside, or kept unopened.
    private mutating func sort(
        _ item: StoredEnvelopeBody, _ checked: PullSession.CheckedEnvelope, into triaged: inout TriagedPage
    ) {
        func incoming(_ content: ChairStore.Incoming.Content) -> ChairStore.Incoming {
            .init(
                relaySequence: item.sequence, receivedHour: item.receivedHour, chain: checked.receiptChain,
                content: content)
        }
        let numberedAgain = rewrite.map { item.sequence <= $0.pulledThrough } ?? false
        let record: SecretBytes
        switch checked.opened {
        case .success(let opened): record = opened
        case .failure(let error):
            pattern.note(.unopened)
            if numberedAgain { outcome.numberedAgain.append(item.sequence) }
            outcome.unreadable += 1
            if error.meansAlteredAfterSealing { outcome.damaged.append(item.sequence) }
            triaged.batch.append(incoming(.unreadable(envelope: checked.envelope, problem: error.description)))
            return
        }
        switch RecordTriage.ofPulledRecord(
            record, stanzas: PullSession.stanzaCount(checked.envelope), group: &group)
        {
        case .canary(let canary):
            // A canary is checked like any envelope, and never shown as a message.
            pattern.note(.passed)
            let identifier = Hex.encode(canary)
            switch ownCanaries[identifier] {
            case false?:
                triaged.canaries[identifier] = item.sequence
                ownCanaries[identifier] = true
                outcome.canariesArrived += 1
            case true?: break
            case nil: outcome.othersCanaries += 1
            }
            return
        case .setAside(let reason):
            // Anyone who can post could have made this: kept, named, and passed by.
            pattern.note(.setAside)
            triaged.setAside.append(
                .init(
                    number: 0, relaySequence: item.sequence,
                    receiptCode: ReceiptCode.make(chain: checked.receiptChain), reason: reason))
            triaged.batch.append(incoming(.setAside(record: record, reason: reason)))
        case .message(let submission):
            pattern.note(.passed)
            if submission.kind == .contactRequest { outcome.contactRequests += 1 }
            triaged.batch.append(incoming(.record(record)))
        }
        if numberedAgain { outcome.numberedAgain.append(item.sequence) }
    }

    // MARK: Store

    /// Stores a page durably with the cursor after it, then acknowledges it in the background;
    /// false when the pull goes no further (a break, the relay's end, nothing linked).
    mutating func store(_ triaged: TriagedPage, of page: EnvelopePageBody) async throws(SyncFailure) -> Bool {
        guard let last = triaged.last else {
            prefetched?.cancel()
            return false
        }
        let newCursor = ChairStore.Cursor(
            relay: session.relayAddress, sequence: last.sequence, chain: last.chain,
            relayIdentity: relay.relayIdentity, reportedLost: Array(lost.reported), setAsideRun: pattern.trailingRun)
        do {
            let numbers = try store.storeBatchNumbering(
                triaged.batch, cursor: newCursor, replacingHistory: rewrite != nil, arrivedCanaries: triaged.canaries)
            let setAsideSequences = Set(triaged.setAside.map(\.relaySequence))
            outcome.stored += numbers.keys.filter { !setAsideSequences.contains($0) }.count
            for var envelope in triaged.setAside {
                // One already stored by an earlier, interrupted pull was named then.
                guard let number = numbers[envelope.relaySequence] else { continue }
                envelope.number = number
                outcome.setAside.append(envelope)
            }
        } catch {
            throw .cannotSavePulled(reason: "\(error)")
        }
        cursor = newCursor
        try saveTrust()
        await settleAcknowledgement()
        let relay = relay
        acknowledging = Task { try await relay.acknowledge(through: last.sequence, chain: last.chain) }
        guard outcome.chainBreak == nil, page.hasMore else {
            reachedEnd = outcome.chainBreak == nil
            prefetched?.cancel()
            return false
        }
        return true
    }

    /// Waits for the acknowledgement in flight, and keeps what the relay said of it.
    private mutating func settleAcknowledgement() async {
        guard let acknowledging else { return }
        self.acknowledging = nil
        do {
            outcome.deletedOnRelay = PullSession.saturatingSum(
                outcome.deletedOnRelay, try await PullSession.result(of: acknowledging))
            outcome.acknowledgementProblem = nil
        } catch {
            outcome.acknowledgementProblem = error
        }
    }

    private func saveTrust() throws(SyncFailure) {
        do {
            try store.saveGroupTrust(group.trust)
        } catch {
            throw .cannotSaveTrust(reason: "\(error)")
        }
    }

    // MARK: Finish

    /// Waits for the last acknowledgement, marks missing canaries after a complete pull, and
    /// keeps what the pull learnt even when it stored nothing.
    mutating func finish() async throws(SyncFailure) -> PullSession.Outcome {
        await settleAcknowledgement()
        // Nothing after this store's last envelope is left on the relay: all of what the other
        // copy pulled was deleted.
        if reachedEnd, outcome.pulledElsewhere == nil, let through = pulledElsewhereThrough, let stored = cursor,
            stored.sequence == startedAt, stored.sequence < through
        {
            outcome.pulledElsewhere = (stored.sequence + 1, through)
        }
        outcome.rewrittenAfter = rewrite?.pulledThrough
        if pattern.warns { outcome.setAsidePattern = pattern }
        try saveTrust()
        if reachedEnd {
            do {
                outcome.canariesMissing = try store.markMissing(relay: session.relayAddress, pullStarted: started)
            } catch {
                throw .cannotUpdateCanaries(reason: "\(error)")
            }
        }
        try rememberWithoutNewEnvelopes()
        return outcome
    }

    /// Keeps what this pull learnt when it stored nothing: the ranges it named, and the identity
    /// of a recreated store, so that neither is said again.
    private func rememberWithoutNewEnvelopes() throws(SyncFailure) {
        var updated: ChairStore.Cursor
        if let cursor {
            guard Set(cursor.reportedLost) != lost.reported || cursor.relayIdentity != relay.relayIdentity else {
                return
            }
            updated = cursor
        } else if outcome.recreatedAfter != nil {
            updated = ChairStore.Cursor(relay: session.relayAddress, sequence: 0, chain: HashChain.genesis)
        } else {
            return
        }
        updated.relayIdentity = relay.relayIdentity
        updated.reportedLost = Array(lost.reported)
        do {
            _ = try store.storeBatch([], cursor: updated)
        } catch {
            throw .cannotSaveCursor(reason: "\(error)")
        }
    }
}
