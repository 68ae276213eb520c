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

    static let pageSize = 500

    /// What a pull did, for the summary line.
    struct Outcome {
        var stored = 0
        var contactRequests = 0
        var unreadable = 0
        var deletedOnRelay = 0
        var relayFull = false
        /// Set when the chain did not verify; pulling stopped before the break.
        var chainBreak: String?
    }

    func run() async throws(ChairError) -> Outcome {
        var outcome = Outcome()
        var cursor: ChairStore.Cursor?
        do {
            cursor = try store.fetchCursor()
        } catch {
            throw ChairError("cannot read your message store", hint: "check the file named by --store")
        }
        if let cursor, cursor.relay != relayAddress {
            throw ChairError(
                "this message store was filled from \(cursor.relay), not \(relayAddress)",
                hint: "use the same --relay address as before, or a new --store for another relay")
        }
        var acceptNextBreak = acceptBreak
        var prefetched: Task<EnvelopePageBody, any Error>?
        while true {
            let page: EnvelopePageBody
            if let prefetched {
                do {
                    page = try await prefetched.value
                } catch let error as ChairError {
                    throw error
                } catch {
                    throw ChairError("the relay's answer could not be read", hint: "run 'chair pull' again")
                }
            } else {
                page = try await client.fetchPage(after: cursor?.sequence ?? 0, limit: Self.pageSize)
            }
            prefetched = nil
            outcome.relayFull = page.storeFull
            guard !page.envelopes.isEmpty else { break }
            // Ask for the next page while this one is opened and stored: the relay and the
            // chair then work at the same time instead of taking turns.
            if page.hasMore, let last = page.envelopes.last {
                let client = client
                prefetched = Task { try await client.fetchPage(after: last.sequence, limit: Self.pageSize) }
            }
            var previous = cursor?.chain ?? page.previousChain.flatMap(Hex.decode) ?? []
            var expectedSequence = (cursor?.sequence ?? 0) + 1
            var batch: [ChairStore.Incoming] = []
            for item in page.envelopes {
                guard let envelope = Base64.decode(item.envelope), let chain = Hex.decode(item.chain),
                    chain.count == HashChain.length
                else {
                    outcome.chainBreak = "envelope \(item.sequence) arrived damaged from the relay"
                    break
                }
                if let problem = Self.chainProblem(
                    item: item, envelope: envelope, chain: chain, previous: previous, expectedSequence: expectedSequence
                ) {
                    guard acceptNextBreak else {
                        outcome.chainBreak = problem
                        break
                    }
                    acceptNextBreak = false
                    printWarning(
                        "accepted a break in the relay's history: \(problem)", hint: "note this in your records")
                }
                batch.append(open(item: item, envelope: envelope, chain: chain, outcome: &outcome))
                previous = chain
                expectedSequence = item.sequence + 1
            }
            guard let last = batch.last else {
                prefetched?.cancel()
                break
            }
            let newCursor = ChairStore.Cursor(relay: relayAddress, sequence: last.relaySequence, chain: last.chain)
            do {
                outcome.stored += try store.storeBatch(batch, cursor: newCursor)
            } catch {
                throw ChairError(
                    "could not save the pulled messages: \(error)",
                    hint:
                        "nothing was acknowledged, so the relay still holds them; free some disk space and run 'chair pull' again"
                )
            }
            cursor = newCursor
            outcome.deletedOnRelay += try await client.acknowledge(through: last.relaySequence, chain: last.chain)
            if outcome.chainBreak != nil || !page.hasMore {
                prefetched?.cancel()
                break
            }
        }
        return outcome
    }

    /// Why `item` does not follow on from `previous`, or nil when it does.
    static func chainProblem(
        item: StoredEnvelopeBody, envelope: [UInt8], chain: [UInt8], previous: [UInt8], expectedSequence: Int64
    ) -> String? {
        if item.sequence != expectedSequence {
            let missing =
                item.sequence > expectedSequence
                ? "envelopes \(expectedSequence) to \(item.sequence - 1) are missing"
                : "envelope \(item.sequence) came out of order"
            return "\(missing) on the relay"
        }
        guard previous.count == HashChain.length,
            HashChain.link(
                previous: previous, sequence: item.sequence, receivedHour: item.receivedHour, envelope: envelope)
                == chain
        else {
            return
                "envelope \(item.sequence) does not match the relay's history: it, or one before it, was altered or swapped"
        }
        return nil
    }

    private func open(
        item: StoredEnvelopeBody, envelope: [UInt8], chain: [UInt8], outcome: inout Outcome
    ) -> ChairStore.Incoming {
        do {
            let record = try Envelope.openRecord(envelope, with: identity.encryption)
            if (try? SubmissionRecord.decode(record))?.kind == .contactRequest { outcome.contactRequests += 1 }
            return .init(
                relaySequence: item.sequence, receivedHour: item.receivedHour, chain: chain, content: .record(record))
        } catch {
            outcome.unreadable += 1
            return .init(
                relaySequence: item.sequence, receivedHour: item.receivedHour, chain: chain,
                content: .unreadable(envelope: envelope, problem: error.description))
        }
    }
}
