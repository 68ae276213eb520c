import Envelope
import Foundation
import RelayProtocol
import Sodium
import TestSupport
import Testing

@testable import ChairCLI
@testable import ChairCore
@testable import ChairStorage
@testable import ChairSync

/// What anyone who can post could put inside an envelope is set aside, never a reason to stop;
/// the pattern rule tells strangers' posts from a relay sealing elsewhere; the numbers a relay
/// sends cannot trap the chair.
@Suite("Set aside, not stopped")
struct SetAsideTests {
    static func record(_ fields: [(UInt8, [UInt8])]) -> SecretBytes {
        var bytes: [UInt8] = [1]
        for (tag, value) in fields.sorted(by: { $0.0 < $1.0 }) {
            bytes += [tag, UInt8(value.count >> 8), UInt8(value.count & 0xFF)] + value
        }
        return SecretBytes(copying: bytes)
    }

    @Test("a record's own rules: a message, a canary, and each broken record set aside by the rule it breaks")
    func recordTriage() {
        let text = Array("words".utf8)
        #expect(RecordTriage.ofRecord(Self.record([(0x01, text)])) == .message(Submission(message: "words")))
        #expect(
            RecordTriage.ofRecord(Self.record([(0x01, text), (0x91, [UInt8](repeating: 9, count: 16))]))
                == .canary(identifier: [UInt8](repeating: 9, count: 16)))
        #expect(
            RecordTriage.ofRecord(Self.record([(0x01, text), (0x91, [1, 2, 3, 4, 5])]))
                == .setAside(.recordFailure("the canary field is not 16 bytes")))
        #expect(
            RecordTriage.ofRecord(Self.record([(0x03, text)]))
                == .setAside(.recordFailure("the message field is missing")))
        guard case .setAside(.recordFailure) = RecordTriage.ofRecord(SecretBytes(copying: [2, 1])) else {
            Issue.record("a record of another version was not set aside")
            return
        }
    }

    @Test(
        "the pattern: noise never warns; three in a row warns, across pulls; most of a pull warns; a passing envelope ends the run"
    )
    func pattern() {
        // One stranger between two people.
        var pull = SetAsidePattern(trailingRun: 0, countsUnopened: true)
        pull.note(.passed)
        pull.note(.setAside)
        pull.note(.passed)
        #expect(!pull.warns)
        // Two in a row, then one more in the next pull.
        pull = SetAsidePattern(trailingRun: 0, countsUnopened: true)
        pull.note(.setAside)
        pull.note(.unopened)
        #expect(!pull.warns && pull.trailingRun == 2)
        var next = SetAsidePattern(trailingRun: pull.trailingRun, countsUnopened: true)
        #expect(!next.warns)  // a pull that brings nothing says nothing
        next.note(.setAside)
        #expect(next.warns && next.isLongRun && !next.isMostOfPull && next.trailingRun == 3)
        // Most of one pull, the last one passing.
        var most = SetAsidePattern(trailingRun: 0, countsUnopened: true)
        for _ in 0..<3 { most.note(.setAside) }
        most.note(.passed)
        #expect(most.warns && most.isMostOfPull && !most.isLongRun)
        // Half is not most.
        var half = SetAsidePattern(trailingRun: 0, countsUnopened: true)
        for kind in [SetAsidePattern.Kind.setAside, .passed, .setAside, .passed, .setAside, .passed] { half.note(kind) }
        #expect(!half.warns)
        // A store's first pull: envelopes it cannot open (sealed before a deputy was added) count for nothing.
        var first = SetAsidePattern(trailingRun: 0, countsUnopened: false)
        for _ in 0..<10 { first.note(.unopened) }
        first.note(.passed)
        #expect(!first.warns && first.counted == 1)
    }

    @Test("a set-aside row keeps its reason and record through the store's sealing")
    func storedRoundTrip() throws {
        let folder = try TemporaryDirectory()
        let store = try ChairStore(path: folder.path("store.sqlite"), storeKey: SecretBytes.random(count: 32))
        let chain = [UInt8](repeating: 4, count: 32)
        let reason = SetAsideReason.olderRecipientSet(serial: 1, inUse: 2, alsoReadBy: ["Deputy (deputy)"])
        let aside = ChairStore.Incoming(
            relaySequence: 5, receivedHour: "2026-12-07T22", chain: chain,
            content: .setAside(record: Self.record([(0x01, Array("unverified words".utf8))]), reason: reason))
        let numbers = try store.storeBatchNumbering(
            [aside],
            cursor: ChairStore.Cursor(relay: "https://relay.example", sequence: 5, chain: chain, setAsideRun: 1))
        #expect(numbers == [5: 1])
        let message = try #require(try store.fetchMessage(number: 1))
        #expect(message.submission == nil)
        #expect(message.setAside?.reason == reason)
        #expect(message.setAside?.unverified?.message == "unverified words")
        #expect(try store.fetchCursor()?.setAsideRun == 1)
        // Never a person's message: not counted, not a contact request, not shown by default.
        #expect(CountedMessage(message) == nil)
        #expect(!MessageFilter().matches(message))
        #expect(MessageFilter(setAside: true).matches(message))
        #expect(MessageExport.text(message).contains("Nothing below is verified"))
    }

    @Test("counts a relay reports add up without overflow")
    func deletedCountsSaturate() {
        #expect(PullSession.saturatingSum(Int.max - 1, Int.max) == Int.max)
        #expect(PullSession.saturatingSum(3, -5) == 3)
        #expect(PullSession.saturatingSum(3, 4) == 7)
    }

    @Test("lost ranges: joined once, stepped over by halving, ill-formed ones ignored")
    func lostSpans() {
        var spans = LostSpans()
        spans.add([
            LostRangeBody(first: 10, last: 12), LostRangeBody(first: 13, last: 15), LostRangeBody(first: 20, last: 20),
            LostRangeBody(first: 5, last: 3), LostRangeBody(first: -1, last: 4),
            LostRangeBody(first: 1, last: Int64.max),
        ])
        #expect(spans.spans == [LostRangeBody(first: 10, last: 15), LostRangeBody(first: 20, last: 20)])
        #expect(spans.crossing(from: 9) == 9)
        #expect(spans.crossing(from: 10) == 16)
        #expect(spans.crossing(from: 14) == 16)
        #expect(spans.crossing(from: 20) == 21)
        #expect(spans.crossing(from: 21) == 21)
        var many = LostSpans()
        many.add((0..<60_000).map { LostRangeBody(first: 1_000_000 + 2 * Int64($0), last: 1_000_000 + 2 * Int64($0)) })
        #expect(many.spans.count == 60_000)
        #expect(many.crossing(from: 1_000_000 + 2 * 59_999) == 1_000_000 + 2 * 59_999 + 1)
    }

    @Test("answers with numbers no relay sends are refused")
    func answers() throws {
        #expect(throws: RelayAnswer.Problem.outOfRange) {
            try RelayAnswer.acknowledgement(Data(#"{"deleted":-1,"acknowledged":1}"#.utf8))
        }
        #expect(throws: RelayAnswer.Problem.unreadable) {
            try RelayAnswer.acknowledgement(Data(#"{"deleted":99999999999999999999,"acknowledged":1}"#.utf8))
        }
        let page = Data(#"{"envelopes":[],"hasMore":false,"storeFull":false,"head":1000000000000000000}"#.utf8)
        #expect(throws: RelayAnswer.Problem.outOfRange) { try RelayAnswer.envelopePage(page, limit: 250) }
        #expect(try RelayAnswer.acknowledgement(Data()) == nil)
    }
}
