import ArgumentParser
import ChairCore
import ChairStorage
import ChairSync
import Foundation

/// `chair pull`: fetches new envelopes from the relay, verifies and stores them, then lets the
/// relay delete its copies.
struct PullCommand: AsyncChairSubcommand {
    static let configuration = CommandConfiguration(
        commandName: "pull",
        abstract: "Fetch new messages from the relay into your local store.",
        discussion: """
            Checks that the relay's history is unbroken (nothing deleted, altered or reordered), stores \
            every message on this computer, and only then tells the relay it may delete its copies. \
            If it is interrupted, run it again: nothing is lost or duplicated.

            Example:
              chair pull --relay https://contact.example.police.uk
              chair pull                  # later pulls: the store remembers the address
            """)

    @OptionGroup var options: IdentityOptions
    @OptionGroup var store: StoreOptions

    @OptionGroup var relayOption: RelayOption

    @Flag(help: "Accept one break in the relay's history after you have looked into it, and carry on.")
    var acceptBreak = false

    @Flag(help: "Also say how long the pull took, not counting unlocking your identity.")
    var timing = false

    func execute() async throws(ChairError) {
        let identity = try options.unlock()
        let messages = try store.open(identityPath: options.identityPath, identity: identity)
        let lock: PullLock
        do {
            lock = try PullLock(storePath: store.storePath(identityPath: options.identityPath)) {
                printStatus(
                    "chair: another 'chair pull' into this store is running; waiting for it to finish, then pulling what is left"
                )
            }
        } catch {
            throw ChairError(error)
        }
        defer { withExtendedLifetime(lock) {} }
        let relay = try relayOption.address(remembered: messages)
        let client = try await RelayClient.connectForChair(address: relay, signer: identity.signing)
        let session = PullSession(
            relay: client, store: messages, identity: identity, relayAddress: relay, acceptBreak: acceptBreak
        ) { event in
            switch event {
            case .acceptedBreak(let problem):
                printWarning(
                    "accepted a break in the relay's history: \(HistoryText.chainBreak(problem))",
                    hint: "note this in your records")
            }
        }
        let clock = ContinuousClock()
        let started = clock.now
        let outcome: PullSession.Outcome
        do {
            outcome = try await session.run()
        } catch {
            throw ChairError(error, during: .pull)
        }
        let taken = clock.now - started
        let noun = outcome.stored == 1 ? "message" : "messages"
        var summary = "chair: pulled \(outcome.stored) new \(noun)"
        if outcome.contactRequests > 0 { summary += ", \(outcome.contactRequests) asking to be contacted" }
        if timing {
            let seconds = Double(taken.components.seconds) + Double(taken.components.attoseconds) / 1e18
            summary += " in \((seconds * 1000).rounded() / 1000) seconds"
        }
        if let first = outcome.firstSequence {
            printStatus(
                "chair: this store is new, so it starts at the relay's envelope \(first): the ones before it were "
                    + "delivered and deleted before it existed; from here on, every envelope is checked")
        }
        if let statement = TrustText.statement(outcome.trustChanges) { printStatus("chair: \(statement)") }
        if let last = outcome.recreatedAfter {
            printWarning(
                "the relay's store was recreated (it has a new identity): whatever it held after envelope \(last), "
                    + "which this store pulled last, is lost, and how much cannot be known",
                hint: "ask the relay's host what happened; from here on this store follows the new store")
        }
        if let last = outcome.rewrittenAfter {
            printWarning(
                Self.describeRewrite(after: last, numberedAgain: outcome.numberedAgain),
                hint: "ask the relay's host what was restored or changed; nothing this store did not fetch was deleted")
        }
        for notice in outcome.lostRanges {
            printWarning(
                HistoryText.notice(notice),
                hint:
                    "ask the relay's host what was restored and why; 'chair find CODE' tells a caller whether theirs arrived"
            )
        }
        if let (first, last) = outcome.pulledElsewhere {
            printWarning(
                "\(HistoryText.numbers(first, last)) \(first == last ? "was" : "were") pulled by another "
                    + "copy of this store after the backup this one was restored from, and the relay has since deleted "
                    + "\(first == last ? "it" : "them"): only that copy holds \(first == last ? "it" : "them")",
                hint:
                    "if that copy is lost (a lost or broken laptop), so are they; 'chair find CODE' tells a caller whether theirs is here"
            )
        }
        printStatus(summary)
        remindOfRetention(messages)
        if outcome.canariesArrived > 0 {
            printStatus(
                "chair: \(outcome.canariesArrived) of your canaries arrived, and \(outcome.canariesArrived == 1 ? "is" : "are") kept out of your messages"
            )
        }
        if outcome.othersCanaries > 0 {
            let count = outcome.othersCanaries
            printStatus(
                "chair: \(count) \(count == 1 ? "canary" : "canaries") of another reader \(count == 1 ? "was" : "were") set aside"
            )
        }
        for canary in outcome.canariesMissing {
            printWarning(
                "your canary with receipt \(canary.receipt) was not found: the relay gave it a receipt and then lost it "
                    + "without a trace in its history, so real messages may have gone the same way",
                hint: "'chair canary status' lists them all; tell the group and the relay's host")
        }
        if !outcome.damaged.isEmpty {
            let which = outcome.damaged.map(String.init).joined(separator: ", ")
            printWarning(
                "the relay's envelope \(which) arrived damaged: sealed to you, but what it holds does not open; it was "
                    + "changed after sealing, or sent that way by whoever posted it; kept, unread",
                hint:
                    "'chair list' marks it; anyone can post a damaged envelope to the form, so tell the relay's host only if it happens often"
            )
        }
        let notForYou = outcome.unreadable - outcome.damaged.count
        if notForYou > 0 {
            printWarning(
                "\(notForYou) could not be opened; they are kept, and 'chair list' marks them",
                hint: "they may have been sealed before you were added, or to an old key; 'chair read N' shows why")
        }
        for envelope in outcome.setAside { printStatus(SetAsideText.pulled(envelope)) }
        if let first = outcome.setAside.first { printStatus(SetAsideText.pulledHint(first: first.number)) }
        if let pattern = outcome.setAsidePattern {
            let (message, hint) = SetAsideText.pattern(pattern)
            printWarning(message, hint: hint)
        }
        if let behind = outcome.relayBehind {
            printWarning(
                TrustText.relayBehind(behind),
                hint: "give the relay's host the newest recipients.set ('chair recipients show' checks it)")
        }
        if let problem = outcome.acknowledgementProblem {
            printWarning(
                "everything pulled is safely stored here, but the relay was not told so: "
                    + ChairError(problem, during: .pull).message,
                hint: "the relay keeps its copies until it is told; your next 'chair pull' tells it")
        }
        if outcome.relayFull {
            printWarning(
                "the relay's store is full and is turning new messages away",
                hint: "pull regularly; ask the host to raise the limit")
        }
        if let problem = outcome.chainBreak {
            throw ChairError(
                "the relay's history is broken: \(HistoryText.chainBreak(problem))",
                hint:
                    "everything before the break is stored; tell the relay's host, and once you have looked into it run 'chair pull --accept-break'"
            )
        }
        if outcome.stored > 0 { printStatus("hint: run 'chair list' to see them") }
    }
}

extension PullCommand {
    /// Says, after every pull, when messages have been kept longer than the chair's retention
    /// period: the law expects personal details to go once they are no longer needed.
    func remindOfRetention(_ store: ChairStore) {
        let settings: ChairStore.Settings
        let messages: [ChairStore.Message]
        do {
            settings = try store.fetchSettings()
            messages = try store.fetchMessages()
        } catch {
            // The pull itself is done and stored; only the reminder is missing.
            printWarning(
                "could not check your messages against your retention period: \(error)",
                hint: "'chair retention' shows the period; if it fails too, restore your store from your backup")
            return
        }
        guard let retention = settings.retention,
            let reminder = Self.retentionReminder(messages, retention: retention, now: Date())
        else { return }
        printWarning(reminder.message, hint: reminder.hint ?? "")
    }

    /// What the reminder says, when any message is older than `retention` at `now`.
    static func retentionReminder(_ messages: [ChairStore.Message], retention: RetentionPeriod, now: Date)
        -> ChairError?
    {
        let old = Retention.messages(messages, olderThan: retention, now: now)
        guard let oldest = old.first else { return nil }
        return ChairError(
            "\(old.count) \(old.count == 1 ? "message is" : "messages are") older than your retention period of "
                + "\(retention); the oldest reached the relay on \(ReceivedText.long(oldest.receivedHour))",
            hint:
                "'chair purge --older-than \(retention.shortText)' lists them and deletes them once you confirm; 'chair retention' changes the period"
        )
    }

    /// What a pull of a rewritten history says: what happened, and which new envelopes took
    /// numbers this store had already passed.
    static func describeRewrite(after last: Int64, numberedAgain: [Int64]) -> String {
        var text =
            "the relay no longer holds envelope \(last), which this store pulled last, or holds another in its place: "
            + "its store was put back or rewritten without the relay noticing (a whole data folder restored, or rows "
            + "changed by hand); everything it still holds was fetched, and only what this store did not have was kept"
        guard let first = numberedAgain.first, let final = numberedAgain.last else { return text }
        let contiguous = final &- first == Int64(numberedAgain.count - 1)
        let numbers =
            contiguous
            ? HistoryText.numbers(first, final) : "envelopes " + numberedAgain.map(String.init).joined(separator: ", ")
        text +=
            numberedAgain.count == 1
            ? "; 1 of them reuses a number this store had already passed (\(numbers))"
            : "; \(numberedAgain.count) of them reuse numbers this store had already passed (\(numbers))"
        return text
    }
}
