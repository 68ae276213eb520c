import Envelope
import Foundation
import RelayProtocol
import Sodium

/// One `chair pull`: fetch pages, verify the chain, open, store durably, then acknowledge.
struct PullSession {
    let client: RelayClient
    let store: ChairStore
    let identity: ChairIdentity
    let relayAddress: String
    let acceptBreak: Bool

    /// Envelopes asked for at once. Each answer is read only up to what this many envelopes of
    /// the largest size class can hold, with the lost ranges a page repeats
    /// (`RelayClient.AnswerLimit`): about 26 MiB at 250.
    static let pageSize = 250

    /// What a pull did, for the summary line.
    struct Outcome {
        var stored = 0
        var contactRequests = 0
        var unreadable = 0
        var deletedOnRelay = 0
        var relayFull = false
        /// Set when the chain did not verify; pulling stopped before the break.
        var chainBreak: String?
        /// Envelopes set aside: stored, acknowledged, never shown as messages.
        var setAside: [SetAsideEnvelope] = []
        /// Set when what was set aside looks like the relay sealing to other keys rather than
        /// like strangers' posts (`SetAsidePattern`).
        var setAsidePattern: SetAsidePattern?
        /// Envelopes that were sealed to this identity but altered afterwards, by sequence.
        var damaged: [Int64] = []
        /// Said when this store first trusts another person's recipients sets (a deputy's store).
        var trustStatement: String?
        /// Set when the relay seals to an older recipients set than one already signed.
        var relayBehind: String?
        /// Set when the relay could not be told what is stored here; the next pull tells it.
        var acknowledgementProblem: String?
        /// For a store's first pull: the relay's first envelope, when envelopes before it were
        /// delivered and deleted before this store existed (a new laptop, a new deputy).
        var firstSequence: Int64?
        /// Set when the relay's store has another identity than the one this store followed:
        /// the last sequence pulled from the old one.
        var recreatedAfter: Int64?
        /// What the relay's restores cost, range by range, said once each.
        var lostReports: [String] = []
        /// Set when the relay no longer holds this store's last envelope, or holds another in its
        /// place, without naming a lost range: the last sequence this store had pulled.
        var rewrittenAfter: Int64?
        /// In a rewritten history, the new envelopes numbered at or below `rewrittenAfter`.
        var numberedAgain: [Int64] = []
        /// This reader's canaries found, and other readers' set aside.
        var canariesArrived = 0
        var othersCanaries = 0
        /// This reader's canaries that a complete pull begun after they were sent did not find.
        var canariesMissing: [ChairStore.Canary] = []
        /// Envelopes this identity pulled into another copy of its store after the backup this
        /// one was restored from, which the relay has since deleted: first and last.
        var pulledElsewhere: (first: Int64, last: Int64)?
    }

    /// One envelope set aside, as the pull names it.
    struct SetAsideEnvelope: Equatable {
        /// The chair's number for it (`chair read N`).
        var number: Int64
        let relaySequence: Int64
        let receiptCode: String
        let reason: SetAsideReason
    }

    /// A pull of a relay whose history is no longer this store's: everything it holds is fetched
    /// and checked, and what is held here already (by chain value) is left out.
    struct Rewrite {
        let pulledThrough: Int64
        let held: Set<[UInt8]>
        /// Digests of the chain values of messages the chair deleted: never delivered again.
        let deleted: Set<String>

        func holdsOrDeleted(_ chain: [UInt8]) -> Bool {
            held.contains(chain) || deleted.contains(ChairStore.KeptCounts.digest(ofChain: chain))
        }
    }

    private func startRewrite(pulledThrough: Int64) throws(ChairError) -> Rewrite {
        do {
            return Rewrite(
                pulledThrough: pulledThrough, held: try store.heldChains(),
                deleted: Set(try store.fetchKeptCounts().deletedChains))
        } catch {
            throw ChairError("cannot read your message store", hint: "check the file named by --store")
        }
    }

    func run() async throws(ChairError) -> Outcome {
        var outcome = Outcome()
        let started = Date()
        // Identifier → already arrived, for this reader's canaries.
        var ownCanaries: [String: Bool] = [:]
        do {
            for (_, canary) in try store.fetchCanaries() { ownCanaries[canary.identifier] = canary.arrivedAs != nil }
        } catch {
            throw ChairError("cannot read your message store", hint: "check the file named by --store")
        }
        var reachedEnd = false
        var cursor: ChairStore.Cursor?
        do {
            cursor = try store.fetchCursor()
        } catch {
            throw ChairError("cannot read your message store", hint: "check the file named by --store")
        }
        // Stores filled before addresses were normalised may hold "https://host/".
        if let cursor, (RelayAddress.normalise(cursor.relay) ?? cursor.relay) != relayAddress {
            throw ChairError(
                "this message store was filled from \(cursor.relay), not \(relayAddress)",
                hint: "use the same --relay address as before, or a new --store for another relay")
        }
        // A store recreated empty has a new identity and numbers from 1 again: whatever the old
        // one held beyond this store's cursor is gone, and the new one is followed from its start.
        if let stored = cursor, let known = stored.relayIdentity, known != client.relayIdentity {
            outcome.recreatedAfter = stored.sequence
            cursor = nil
        }
        var lost = LostRanges(
            pulledThrough: cursor?.sequence, reported: cursor?.reportedLost ?? [], relay: client.relayIdentity)
        var pattern = SetAsidePattern(trailingRun: cursor?.setAsideRun ?? 0, countsUnopened: cursor != nil)
        // Who the relay seals to is checked before anything is said to it: a set signed by someone
        // else stops the pull before this store's identity is used at all.
        var group = try await GroupRecipients.load(from: client, store: store, identity: identity)
        outcome.trustStatement = group.statement
        outcome.relayBehind = group.relayBehind
        if let current = group.relayCurrent,
            !current.members.contains(where: { $0.key.signingKey == identity.signing.publicKey })
        {
            throw Self.notARecipient(current, handedOverTo: group.handedOverTo, statement: group.statement)
        }
        // Tell the relay again where this store stands: if the answer to the last pull's
        // acknowledgement was lost, this repairs it (acknowledging is idempotent), so the relay
        // can free what it holds even when nothing new has arrived. A refusal means the relay no
        // longer holds what this store pulled last: its history was rewritten.
        var rewrite: Rewrite?
        var pulledElsewhereThrough: Int64?
        if let stored = cursor {
            do {
                switch try await client.acknowledgeOrHearRefusal(through: stored.sequence, chain: stored.chain) {
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
                }
            } catch {
                outcome.acknowledgementProblem = error.message
            }
        }
        let startedAt = cursor?.sequence
        func settle(_ acknowledging: Task<Int, any Error>) async {
            do {
                outcome.deletedOnRelay = Self.saturatingSum(
                    outcome.deletedOnRelay, try await Self.result(of: acknowledging))
                outcome.acknowledgementProblem = nil
            } catch {
                outcome.acknowledgementProblem = error.message
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
                page = try await client.fetchPage(after: cursor?.sequence ?? 0, limit: Self.pageSize)
            }
            prefetched = nil
            // A relay whose numbers stop below this store's cursor has had its history put back
            // without knowing it: start again from everything it holds.
            if rewrite == nil, let stored = cursor, let head = page.head, head < stored.sequence {
                rewrite = try startRewrite(pulledThrough: stored.sequence)
                cursor = nil
                prefetched?.cancel()
                prefetched = Task { [client] in try await client.fetchPage(after: 0, limit: Self.pageSize) }
                continue
            }
            outcome.relayFull = page.storeFull
            outcome.lostReports += lost.absorb(page.lost, firstOnPage: page.envelopes.first?.sequence)
            guard !page.envelopes.isEmpty else {
                reachedEnd = true
                break
            }
            // Ask for the next page while this one is opened and stored: the relay and the
            // chair then work at the same time instead of taking turns.
            if page.hasMore, let last = page.envelopes.last {
                let client = client
                prefetched = Task { try await client.fetchPage(after: last.sequence, limit: Self.pageSize) }
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
                    outcome.chainBreak = "envelope \(item.sequence) arrived damaged from the relay"
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
                    printWarning(
                        "accepted a break in the relay's history: \(problem)", hint: "note this in your records")
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
                relayIdentity: client.relayIdentity, reportedLost: Array(lost.reported),
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
                throw ChairError(
                    "could not save the pulled messages: \(error)",
                    hint:
                        "these were not acknowledged, so the relay still holds them; free some disk space and run 'chair pull' again"
                )
            }
            cursor = newCursor
            try saveTrust(group)
            if let acknowledging { await settle(acknowledging) }
            let client = client
            acknowledging = Task { try await client.acknowledge(through: last.sequence, chain: last.chain) }
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
                throw ChairError("cannot update your canaries: \(error)", hint: "free some disk space and pull again")
            }
        }
        try rememberWithoutNewEnvelopes(cursor: cursor, lost: lost, outcome: outcome)
        return outcome
    }

    /// Keeps what this pull learnt when it stored nothing: the ranges it named, and the identity
    /// of a recreated store, so that neither is said again.
    private func rememberWithoutNewEnvelopes(cursor: ChairStore.Cursor?, lost: LostRanges, outcome: Outcome)
        throws(ChairError)
    {
        let reported = Array(lost.reported)
        var updated: ChairStore.Cursor
        if let cursor {
            guard Set(cursor.reportedLost) != lost.reported || cursor.relayIdentity != client.relayIdentity else {
                return
            }
            updated = cursor
        } else if outcome.recreatedAfter != nil {
            updated = ChairStore.Cursor(relay: relayAddress, sequence: 0, chain: HashChain.genesis)
        } else {
            return
        }
        updated.relayIdentity = client.relayIdentity
        updated.reportedLost = reported
        do {
            _ = try store.storeBatch([], cursor: updated)
        } catch {
            throw ChairError(
                "could not save where this pull stopped: \(error)",
                hint: "free some disk space and run 'chair pull' again; nothing was lost")
        }
    }

    private func saveTrust(_ group: GroupRecipients) throws(ChairError) {
        do {
            try store.saveGroupTrust(group.trust)
        } catch {
            throw ChairError(
                "could not save which recipients sets this store trusts: \(error)",
                hint: "free some disk space and run 'chair pull' again; what was pulled is stored")
        }
    }

    /// A sum of counts a relay reported, which a hostile one may make as large as it likes.
    static func saturatingSum(_ total: Int, _ more: Int) -> Int {
        let (sum, overflow) = total.addingReportingOverflow(max(more, 0))
        return overflow ? Int.max : sum
    }

    /// How many keys an envelope was sealed to (its header was checked when it was opened).
    static func stanzaCount(_ envelope: [UInt8]) -> Int {
        (try? EnvelopeHeader(validating: envelope))?.recipientCount ?? 0
    }

    /// Why a reader the relay's current set leaves out has nothing to pull: a chair who handed
    /// over, or a reader removed.
    static func notARecipient(_ current: RecipientSet, handedOverTo: String?, statement: String?) -> ChairError {
        let chair = current.chair.key
        if handedOverTo == Hex.encode(chair.signingKey) {
            return ChairError(
                "you handed the chair's role to \(chair.name), whose recipients set \(current.serial) the relay now "
                    + "uses: nothing new is sealed to you, and the relay no longer serves you",
                hint:
                    "once \(chair.name) has confirmed they have everything, delete your copies with 'chair purge --all'"
            )
        }
        return ChairError(
            (statement.map { $0 + "; " } ?? "")
                + "the relay's recipients set \(current.serial), signed by \(chair.name), does not name you: "
                + "nothing new is sealed to you",
            hint: "if you did not expect this, ask \(chair.name) by phone, and tell the group")
    }

    /// What a request run in the background returned, or the chair's error for it.
    private static func result<Value>(of request: Task<Value, any Error>) async throws(ChairError) -> Value {
        do {
            return try await request.value
        } catch let error as ChairError {
            throw error
        } catch {
            throw ChairError("the relay's answer could not be read", hint: "run 'chair pull' again")
        }
    }

    /// One envelope of a page: decoded, its chain link computed, and opened.
    struct CheckedEnvelope: Sendable {
        let envelope: [UInt8]
        /// The relay's chain value for the row: what acknowledgements name.
        let chain: [UInt8]
        /// Whether `chain` follows from the chain value the relay sent just before it.
        let linksToPrevious: Bool
        /// The chain value this envelope itself was stored with, which its receipt code came
        /// from: `chain` when the row links; else the row on the page whose chain value the
        /// envelope produces (rows swapped); else the value it would have had here, which no
        /// receipt was shown for. Never another envelope's.
        let receiptChain: [UInt8]
        let opened: Result<SecretBytes, EnvelopeError>
    }

    /// Decodes, links and opens every envelope of a page, on all cores; nil for one that arrived
    /// damaged. Opening is most of a pull's work, and no envelope's checks need another's
    /// outcome: each link needs only the chain value sent before it, which the caller then
    /// confirms in order.
    static func check(
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
        let buffer: UnsafeMutableBufferPointer<Element>
    }

    /// "YYYY-MM-DDTHH", as the relay stores it; anything else arrived damaged.
    static let receivedHourLength = 13

    /// Why `item` does not follow on from the envelope before it, or nil when it does.
    static func chainProblem(item: StoredEnvelopeBody, linksToPrevious: Bool, expectedSequence: Int64) -> String? {
        if item.sequence != expectedSequence {
            let missing =
                item.sequence > expectedSequence
                ? "envelopes \(expectedSequence) to \(item.sequence - 1) are missing"
                : "envelope \(item.sequence) came out of order"
            return "\(missing) on the relay"
        }
        guard linksToPrevious else {
            return
                "envelope \(item.sequence) does not match the relay's history: it, or one before it, was altered or swapped"
        }
        return nil
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
    var meansAlteredAfterSealing: Bool {
        if case .payloadFailure = self { return true }
        return false
    }
}
