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
    static let pageSize = 250

    /// What a pull did, for the summary line.
    package struct Outcome {
        package var stored = 0
        package var contactRequests = 0
        package var unreadable = 0
        var deletedOnRelay = 0
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
        let pulledThrough: Int64
        package let held: Set<[UInt8]>
        /// Digests of the chain values of messages the chair deleted: never delivered again.
        package let deleted: Set<String>

        func holdsOrDeleted(_ chain: [UInt8]) -> Bool {
            held.contains(chain) || deleted.contains(ChairStore.KeptCounts.digest(ofChain: chain))
        }
    }

    /// Pulls: the steps of `PullRun`, in order. Stops with a typed failure; what it found,
    /// including a break in the relay's history, is in the outcome.
    package func run() async throws(SyncFailure) -> Outcome {
        var run = try await PullRun.begin(self)
        try await run.reacknowledge()
        while let page = try await run.fetchNextPage() {
            let triaged = run.triage(page)
            guard try await run.store(triaged, of: page) else { break }
        }
        return try await run.finish()
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

    /// What a request run in the background returned, or why it did not.
    static func result<Value>(of request: Task<Value, any Error>) async throws(SyncFailure) -> Value {
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
        let linksToPrevious: Bool
        /// The chain value this envelope itself was stored with, which its receipt code came
        /// from: `chain` when the row links; else the row on the page whose chain value the
        /// envelope produces (rows swapped); else the value it would have had here, which no
        /// receipt was shown for. Never another envelope's.
        let receiptChain: [UInt8]
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
    static let receivedHourLength = 13

    /// Why `item` does not follow on from the envelope before it, or nil when it does.
    static func chainProblem(item: StoredEnvelopeBody, linksToPrevious: Bool, expectedSequence: Int64)
        -> ChainBreak?
    {
        if item.sequence != expectedSequence {
            return item.sequence > expectedSequence
                ? .missing(from: expectedSequence, through: item.sequence - 1) : .outOfOrder(item.sequence)
        }
        return linksToPrevious ? nil : .altered(item.sequence)
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
