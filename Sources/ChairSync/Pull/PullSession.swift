import ChairCore
import ChairStorage
import Envelope
import Foundation
import RelayProtocol
import Sodium

/// One `chair pull`: fetch pages, verify the chain, open, store durably, then acknowledge.
package struct PullSession {
    package let relay: any RelayConnection
    package let store: ChairStore
    package let identity: ChairIdentity
    package let relayAddress: String
    package let acceptBreak: Bool
    /// Told what happens as it happens, before the pull's outcome: the command line words it.
    package let report: (PullEvent) -> Void

    package init(
        relay: any RelayConnection, store: ChairStore, identity: ChairIdentity, relayAddress: String,
        acceptBreak: Bool, report: @escaping (PullEvent) -> Void = { _ in }
    ) {
        self.relay = relay
        self.store = store
        self.identity = identity
        self.relayAddress = relayAddress
        self.acceptBreak = acceptBreak
        self.report = report
    }

    /// What a pull says while it runs.
    package enum PullEvent: Equatable {
        /// `--accept-break` let the pull past this break in the relay's history, once.
        case acceptedBreak(ChainBreak)
    }

    /// Envelopes asked for at once. Each answer is read only up to what this many envelopes of
    /// the largest size class can hold, with the lost ranges a page repeats
    /// (`RelayClient.AnswerLimit`): about 26 MiB at 250.
    package static let pageSize = 250

    /// What a pull did, for the summary line.
    package struct Outcome {
        package var stored = 0
        package var contactRequests = 0
        package var unreadable = 0
        package var deletedOnRelay = 0
        package var relayFull = false
        /// Set when the chain did not verify; pulling stopped before the break.
        package var chainBreak: ChainBreak?
        /// Envelopes set aside: stored, acknowledged, never shown as messages.
        package var setAside: [SetAsideEnvelope] = []
        /// Set when what was set aside looks like the relay sealing to other keys rather than
        /// like strangers' posts (`SetAsidePattern`).
        package var setAsidePattern: SetAsidePattern?
        /// Envelopes that were sealed to this identity but altered afterwards, by sequence.
        package var damaged: [Int64] = []
        /// Said when this store first trusts another person's recipients sets (a deputy's store).
        package var trustChanges: [GroupRecipients.TrustChange] = []
        /// Set when the relay seals to an older recipients set than one already signed.
        package var relayBehind: GroupRecipients.RelayBehind?
        /// Set when the relay could not be told what is stored here; the next pull tells it.
        package var acknowledgementProblem: SyncFailure?
        /// For a store's first pull: the relay's first envelope, when envelopes before it were
        /// delivered and deleted before this store existed (a new laptop, a new deputy).
        package var firstSequence: Int64?
        /// Set when the relay's store has another identity than the one this store followed:
        /// the last sequence pulled from the old one.
        package var recreatedAfter: Int64?
        /// What the relay's restores cost, range by range, said once each.
        package var lostRanges: [LostRanges.Notice] = []
        /// Set when the relay no longer holds this store's last envelope, or holds another in its
        /// place, without naming a lost range: the last sequence this store had pulled.
        package var rewrittenAfter: Int64?
        /// In a rewritten history, the new envelopes numbered at or below `rewrittenAfter`.
        package var numberedAgain: [Int64] = []
        /// This reader's canaries found, and other readers' set aside.
        package var canariesArrived = 0
        package var othersCanaries = 0
        /// This reader's canaries that a complete pull begun after they were sent did not find.
        package var canariesMissing: [ChairStore.Canary] = []
        /// Envelopes this identity pulled into another copy of its store after the backup this
        /// one was restored from, which the relay has since deleted: first and last.
        package var pulledElsewhere: (first: Int64, last: Int64)?
    }

    /// One envelope set aside, as the pull names it.
    package struct SetAsideEnvelope: Equatable {
        /// The chair's number for it (`chair read N`).
        package var number: Int64
        package let relaySequence: Int64
        package let receiptCode: String
        package let reason: SetAsideReason
    }

    /// A pull of a relay whose history is no longer this store's: everything it holds is fetched
    /// and checked, and what is held here already (by chain value) is left out.
    package struct Rewrite {
        package let pulledThrough: Int64
        package let held: Set<[UInt8]>
        /// Digests of the chain values of messages the chair deleted: never delivered again.
        package let deleted: Set<String>

        package func holdsOrDeleted(_ chain: [UInt8]) -> Bool {
            held.contains(chain) || deleted.contains(ChairStore.KeptCounts.digest(ofChain: chain))
        }
    }

    private func startRewrite(pulledThrough: Int64) throws(SyncFailure) -> Rewrite {
        do {
            return Rewrite(
                pulledThrough: pulledThrough, held: try store.heldChains(),
                deleted: Set(try store.fetchKeptCounts().deletedChains))
        } catch {
            throw .storeUnreadable
        }
    }

    package func run() async throws(SyncFailure) -> Outcome {
        var outcome = Outcome()
        let started = Date()
        // Identifier → already arrived, for this reader's canaries.
        var ownCanaries: [String: Bool] = [:]
        do {
            for (_, canary) in try store.fetchCanaries() { ownCanaries[canary.identifier] = canary.arrivedAs != nil }
        } catch {
            throw .storeUnreadable
        }
        var reachedEnd = false
        var cursor: ChairStore.Cursor?
        do {
            cursor = try store.fetchCursor()
        } catch {
            throw .storeUnreadable
        }
        // Stores filled before addresses were normalised may hold "https://host/".
        if let cursor, (RelayAddress.normalise(cursor.relay) ?? cursor.relay) != relayAddress {
            throw .filledFromAnotherRelay(stored: cursor.relay, given: relayAddress)
        }
        // A store recreated empty has a new identity and numbers from 1 again: whatever the old
        // one held beyond this store's cursor is gone, and the new one is followed from its start.
        if let stored = cursor, let known = stored.relayIdentity, known != relay.relayIdentity {
            outcome.recreatedAfter = stored.sequence
            cursor = nil
        }
        var lost = LostRanges(
            pulledThrough: cursor?.sequence, reported: cursor?.reportedLost ?? [], relay: relay.relayIdentity)
        var pattern = SetAsidePattern(trailingRun: cursor?.setAsideRun ?? 0, countsUnopened: cursor != nil)
        // Who the relay seals to is checked before anything is said to it: a set signed by someone
        // else stops the pull before this store's identity is used at all.
        var group = try await GroupRecipients.load(from: relay, store: store, identity: identity)
        outcome.trustChanges = group.trustChanges
        outcome.relayBehind = group.relayBehind
        if let current = group.relayCurrent,
            !current.members.contains(where: { $0.key.signingKey == identity.signing.publicKey })
        {
            throw .notARecipient(
                current: current, handedOver: group.handedOverTo == Hex.encode(current.chair.key.signingKey),
                trustChanges: group.trustChanges)
        }
        // Tell the relay again where this store stands: if the answer to the last pull's
        // acknowledgement was lost, this repairs it (acknowledging is idempotent), so the relay
        // can free what it holds even when nothing new has arrived. A refusal means the relay no
        // longer holds what this store pulled last: its history was rewritten.
        var rewrite: Rewrite?
        var pulledElsewhereThrough: Int64?
        if let stored = cursor {
            let answer: AcknowledgementAnswer?
            do {
                answer = try await relay.acknowledgeOrHearRefusal(through: stored.sequence, chain: stored.chain)
            } catch {
                answer = nil
                outcome.acknowledgementProblem = .relay(error)
            }
            switch answer {
            case .accepted(let deleted, let through):
                outcome.deletedOnRelay = Self.saturatingSum(outcome.deletedOnRelay, deleted)
                // Another copy of this store (the one a restored backup was taken from)
                // pulled further than this one.
                if let through, through > stored.sequence, through <= APINumbers.maximumSequence {
                    pulledElsewhereThrough = through
                }
            case .historyDiffers:
                rewrite = try startRewrite(pulledThrough: stored.sequence)
                cursor = nil
            case nil: break
            }
        }
        let startedAt = cursor?.sequence
        func settle(_ acknowledging: Task<Int, any Error>) async {
            do {
                outcome.deletedOnRelay = Self.saturatingSum(
                    outcome.deletedOnRelay, try await Self.result(of: acknowledging))
                outcome.acknowledgementProblem = nil
            } catch {
                outcome.acknowledgementProblem = error
            }
        }
        var acceptNextBreak = acceptBreak
        var prefetched: Task<EnvelopePageBody, any Error>?
        // The acknowledgement of one page runs while the next is opened and stored; the relay
        // needs them in order, so each waits for the one before it.
        var acknowledging: Task<Int, any Error>?
        while true {
            let page: EnvelopePageBody
            if let prefetched {
                page = try await Self.result(of: prefetched)
            } else {
                do {
                    page = try await relay.fetchPage(after: cursor?.sequence ?? 0, limit: Self.pageSize)
                } catch {
                    throw .relay(error)
                }
            }
            prefetched = nil
            // A relay whose numbers stop below this store's cursor has had its history put back
            // without knowing it: start again from everything it holds.
            if rewrite == nil, let stored = cursor, let head = page.head, head < stored.sequence {
                rewrite = try startRewrite(pulledThrough: stored.sequence)
                cursor = nil
                prefetched?.cancel()
                prefetched = Task { [relay] in try await relay.fetchPage(after: 0, limit: Self.pageSize) }
                continue
            }
            outcome.relayFull = page.storeFull
            outcome.lostRanges += lost.absorb(page.lost, firstOnPage: page.envelopes.first?.sequence)
            guard !page.envelopes.isEmpty else {
                reachedEnd = true
                break
            }
            // Ask for the next page while this one is opened and stored: the relay and the
            // chair then work at the same time instead of taking turns.
            if page.hasMore, let last = page.envelopes.last {
                let relay = relay
                prefetched = Task { try await relay.fetchPage(after: last.sequence, limit: Self.pageSize) }
            }
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
            var lastOnPage: (sequence: Int64, chain: [UInt8])?
            var canariesOnPage: [String: Int64] = [:]
            var setAsideOnPage: [SetAsideEnvelope] = []
            var batch: [ChairStore.Incoming] = []
            let checked = Self.check(
                page.envelopes, chainBeforePage: chainBeforePage, identity: identity,
                restartAfter: lost.restartChains)
            for (item, checked) in zip(page.envelopes, checked) {
                guard let checked else {
                    outcome.chainBreak = .arrivedDamaged(item.sequence)
                    break
                }
                expectedSequence = lost.crossing(from: expectedSequence)
                if let problem = Self.chainProblem(
                    item: item, linksToPrevious: checked.linksToPrevious, expectedSequence: expectedSequence)
                {
                    guard acceptNextBreak else {
                        outcome.chainBreak = problem
                        break
                    }
                    acceptNextBreak = false
                    report(.acceptedBreak(problem))
                }
                if let rewrite, rewrite.holdsOrDeleted(checked.receiptChain) {
                    // Held here already, and checked when it was stored, or deleted by the chair:
                    // linked, not stored again.
                    expectedSequence = item.sequence + 1
                    lastOnPage = (item.sequence, checked.chain)
                    continue
                }
                expectedSequence = item.sequence + 1
                lastOnPage = (item.sequence, checked.chain)
                let record: SecretBytes
                switch checked.opened {
                case .success(let opened): record = opened
                case .failure(let error):
                    pattern.note(.unopened)
                    if let rewrite, item.sequence <= rewrite.pulledThrough {
                        outcome.numberedAgain.append(item.sequence)
                    }
                    batch.append(unopened(item: item, checked: checked, error: error, outcome: &outcome))
                    continue
                }
                switch RecordTriage.ofPulledRecord(record, stanzas: Self.stanzaCount(checked.envelope), group: &group) {
                case .canary(let canary):
                    // A canary is checked like any envelope, and never shown as a message.
                    pattern.note(.passed)
                    let identifier = Hex.encode(canary)
                    switch ownCanaries[identifier] {
                    case false?:
                        canariesOnPage[identifier] = item.sequence
                        ownCanaries[identifier] = true
                        outcome.canariesArrived += 1
                    case true?: break
                    case nil: outcome.othersCanaries += 1
                    }
                    continue
                case .setAside(let reason):
                    // Anyone who can post could have made this: kept, named, and passed by.
                    pattern.note(.setAside)
                    setAsideOnPage.append(
                        SetAsideEnvelope(
                            number: 0, relaySequence: item.sequence,
                            receiptCode: ReceiptCode.make(chain: checked.receiptChain), reason: reason))
                    batch.append(
                        .init(
                            relaySequence: item.sequence, receivedHour: item.receivedHour, chain: checked.receiptChain,
                            content: .setAside(record: record, reason: reason)))
                case .message(let submission):
                    pattern.note(.passed)
                    if submission.kind == .contactRequest { outcome.contactRequests += 1 }
                    batch.append(
                        .init(
                            relaySequence: item.sequence, receivedHour: item.receivedHour, chain: checked.receiptChain,
                            content: .record(record)))
                }
                if let rewrite, item.sequence <= rewrite.pulledThrough { outcome.numberedAgain.append(item.sequence) }
            }
            guard let last = lastOnPage else {
                prefetched?.cancel()
                break
            }
            let newCursor = ChairStore.Cursor(
                relay: relayAddress, sequence: last.sequence, chain: last.chain,
                relayIdentity: relay.relayIdentity, reportedLost: Array(lost.reported),
                setAsideRun: pattern.trailingRun)
            do {
                let numbers = try store.storeBatchNumbering(
                    batch, cursor: newCursor, replacingHistory: rewrite != nil, arrivedCanaries: canariesOnPage)
                let setAsideSequences = Set(setAsideOnPage.map(\.relaySequence))
                outcome.stored += numbers.keys.filter { !setAsideSequences.contains($0) }.count
                for var envelope in setAsideOnPage {
                    // One already stored by an earlier, interrupted pull was named then.
                    guard let number = numbers[envelope.relaySequence] else { continue }
                    envelope.number = number
                    outcome.setAside.append(envelope)
                }
            } catch {
                throw .cannotSavePulled(reason: "\(error)")
            }
            cursor = newCursor
            try saveTrust(group)
            if let acknowledging { await settle(acknowledging) }
            let relay = relay
            acknowledging = Task { try await relay.acknowledge(through: last.sequence, chain: last.chain) }
            if outcome.chainBreak == nil, !page.hasMore { reachedEnd = true }
            if outcome.chainBreak != nil || !page.hasMore {
                prefetched?.cancel()
                break
            }
        }
        if let acknowledging { await settle(acknowledging) }
        // Nothing after this store's last envelope is left on the relay: all of what the other
        // copy pulled was deleted.
        if reachedEnd, outcome.pulledElsewhere == nil, let through = pulledElsewhereThrough, let stored = cursor,
            stored.sequence == startedAt, stored.sequence < through
        {
            outcome.pulledElsewhere = (stored.sequence + 1, through)
        }
        outcome.rewrittenAfter = rewrite?.pulledThrough
        if pattern.warns { outcome.setAsidePattern = pattern }
        try saveTrust(group)
        if reachedEnd {
            do {
                outcome.canariesMissing = try store.markMissing(relay: relayAddress, pullStarted: started)
            } catch {
                throw .cannotUpdateCanaries(reason: "\(error)")
            }
        }
        try rememberWithoutNewEnvelopes(cursor: cursor, lost: lost, outcome: outcome)
        return outcome
    }

    /// Keeps what this pull learnt when it stored nothing: the ranges it named, and the identity
    /// of a recreated store, so that neither is said again.
    private func rememberWithoutNewEnvelopes(cursor: ChairStore.Cursor?, lost: LostRanges, outcome: Outcome)
        throws(SyncFailure)
    {
        let reported = Array(lost.reported)
        var updated: ChairStore.Cursor
        if let cursor {
            guard Set(cursor.reportedLost) != lost.reported || cursor.relayIdentity != relay.relayIdentity else {
                return
            }
            updated = cursor
        } else if outcome.recreatedAfter != nil {
            updated = ChairStore.Cursor(relay: relayAddress, sequence: 0, chain: HashChain.genesis)
        } else {
            return
        }
        updated.relayIdentity = relay.relayIdentity
        updated.reportedLost = reported
        do {
            _ = try store.storeBatch([], cursor: updated)
        } catch {
            throw .cannotSaveCursor(reason: "\(error)")
        }
    }

    private func saveTrust(_ group: GroupRecipients) throws(SyncFailure) {
        do {
            try store.saveGroupTrust(group.trust)
        } catch {
            throw .cannotSaveTrust(reason: "\(error)")
        }
    }

    /// A sum of counts a relay reported, which a hostile one may make as large as it likes.
    package static func saturatingSum(_ total: Int, _ more: Int) -> Int {
        let (sum, overflow) = total.addingReportingOverflow(max(more, 0))
        return overflow ? Int.max : sum
    }

    /// How many keys an envelope was sealed to (its header was checked when it was opened).
    package static func stanzaCount(_ envelope: [UInt8]) -> Int {
        (try? EnvelopeHeader(validating: envelope))?.recipientCount ?? 0
    }

    /// What a request run in the background returned, or why it did not.
    private static func result<Value>(of request: Task<Value, any Error>) async throws(SyncFailure) -> Value {
        do {
            return try await request.value
        } catch let error as RelayFailure {
            throw .relay(error)
        } catch {
            throw .answerUnreadable
        }
    }

    /// One envelope of a page: decoded, its chain link computed, and opened.
    package struct CheckedEnvelope: Sendable {
        package let envelope: [UInt8]
        /// The relay's chain value for the row: what acknowledgements name.
        package let chain: [UInt8]
        /// Whether `chain` follows from the chain value the relay sent just before it.
        package let linksToPrevious: Bool
        /// The chain value this envelope itself was stored with, which its receipt code came
        /// from: `chain` when the row links; else the row on the page whose chain value the
        /// envelope produces (rows swapped); else the value it would have had here, which no
        /// receipt was shown for. Never another envelope's.
        package let receiptChain: [UInt8]
        package let opened: Result<SecretBytes, EnvelopeError>
    }

    /// Decodes, links and opens every envelope of a page, on all cores; nil for one that arrived
    /// damaged. Opening is most of a pull's work, and no envelope's checks need another's
    /// outcome: each link needs only the chain value sent before it, which the caller then
    /// confirms in order.
    package static func check(
        _ items: [StoredEnvelopeBody], chainBeforePage: [UInt8], identity: ChairIdentity,
        restartAfter: [Int64: [UInt8]] = [:]
    ) -> [CheckedEnvelope?] {
        let chains = items.map { item in Hex.decode(item.chain).flatMap { $0.count == HashChain.length ? $0 : nil } }
        // The chain value each row links from: a range's restart value after lost numbers.
        let previousChains = items.indices.map { index in
            restartAfter[items[index].sequence &- 1] ?? (index == 0 ? chainBeforePage : chains[index - 1] ?? [])
        }
        /// The row's chain value if the envelope with this digest is the one stored there.
        @Sendable func chainIfStored(envelopeDigest: [UInt8], at index: Int) -> [UInt8]? {
            let item = items[index]
            guard let chain = chains[index], previousChains[index].count == HashChain.length,
                item.receivedHour.utf8.count == receivedHourLength
            else { return nil }
            let linked = HashChain.link(
                previous: previousChains[index], sequence: item.sequence, receivedHour: item.receivedHour,
                envelopeDigest: envelopeDigest)
            return linked == chain ? chain : nil
        }
        var checked = [CheckedEnvelope?](repeating: nil, count: items.count)
        checked.withUnsafeMutableBufferPointer { buffer in
            let checked = DisjointSlots(buffer: buffer)
            DispatchQueue.concurrentPerform(iterations: items.count) { index in
                let item = items[index]
                // A number beyond what a relay can issue arrived damaged: the arithmetic on
                // sequence numbers that follows can then never overflow.
                guard let chain = chains[index], let envelope = Base64.decode(item.envelope),
                    item.receivedHour.utf8.count == receivedHourLength,
                    (1...APINumbers.maximumSequence).contains(item.sequence)
                else { return }
                let previous = previousChains[index]
                // Hashed once: a row that does not link is tried at every place on the page.
                let digest = SHA512.hash(envelope)
                let linksToPrevious = chainIfStored(envelopeDigest: digest, at: index) != nil
                let receiptChain =
                    linksToPrevious
                    ? chain
                    : items.indices.lazy.compactMap { chainIfStored(envelopeDigest: digest, at: $0) }.first
                        ?? (previous.count == HashChain.length
                            ? HashChain.link(
                                previous: previous, sequence: item.sequence, receivedHour: item.receivedHour,
                                envelopeDigest: digest) : chain)
                let opened = Result { () throws(EnvelopeError) in
                    try Envelope.openRecord(envelope, with: identity.encryption)
                }
                checked.buffer[index] = CheckedEnvelope(
                    envelope: envelope, chain: chain, linksToPrevious: linksToPrevious, receiptChain: receiptChain,
                    opened: opened)
            }
        }
        return checked
    }

    /// A buffer that concurrent iterations write into, each only at its own index.
    private struct DisjointSlots<Element>: @unchecked Sendable {
        package let buffer: UnsafeMutableBufferPointer<Element>
    }

    /// "YYYY-MM-DDTHH", as the relay stores it; anything else arrived damaged.
    package static let receivedHourLength = 13

    /// Why `item` does not follow on from the envelope before it, or nil when it does.
    package static func chainProblem(item: StoredEnvelopeBody, linksToPrevious: Bool, expectedSequence: Int64)
        -> ChainBreak?
    {
        if item.sequence != expectedSequence {
            return item.sequence > expectedSequence
                ? .missing(from: expectedSequence, through: item.sequence - 1) : .outOfOrder(item.sequence)
        }
        return linksToPrevious ? nil : .altered(item.sequence)
    }

    /// An envelope that did not open for this reader, kept with why, and counted.
    private func unopened(
        item: StoredEnvelopeBody, checked: CheckedEnvelope, error: EnvelopeError, outcome: inout Outcome
    ) -> ChairStore.Incoming {
        outcome.unreadable += 1
        if error.meansAlteredAfterSealing { outcome.damaged.append(item.sequence) }
        return .init(
            relaySequence: item.sequence, receivedHour: item.receivedHour, chain: checked.receiptChain,
            content: .unreadable(envelope: checked.envelope, problem: error.description))
    }
}

extension EnvelopeError {
    /// The file key opened, so the envelope was sealed to this identity, but what follows it did
    /// not authenticate: it was changed after sealing, whatever its chain says.
    package var meansAlteredAfterSealing: Bool {
        if case .payloadFailure = self { return true }
        return false
    }
}
