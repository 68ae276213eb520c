import Envelope
import Foundation
import Testing

@testable import ChairCLI
@testable import ChairCore
@testable import ChairStorage
@testable import ChairSync

@Suite("The chair's workflow rules")
struct WorkflowTests {
    static let london = TimeZone(identifier: "Europe/London") ?? .current

    func date(_ text: String) throws -> Date {
        try Date(text, strategy: .iso8601)
    }

    @Test("overdue counts calendar days across a month boundary")
    func overdueAcrossMonthBoundary() async throws {
        let rule = OverdueRule(days: 3, timeZone: Self.london)
        // Received 30 January 10:00 UTC (GMT): overdue from 2 February 10:00.
        #expect(!rule.isOverdue(receivedHour: "2027-01-30T10", now: try date("2027-02-02T09:59:00Z")))
        #expect(rule.isOverdue(receivedHour: "2027-01-30T10", now: try date("2027-02-02T10:00:00Z")))
        // 28 February in a non-leap year to 3 March.
        #expect(rule.isOverdue(receivedHour: "2027-02-28T12", now: try date("2027-03-03T12:00:00Z")))
        #expect(!rule.isOverdue(receivedHour: "2027-02-28T12", now: try date("2027-03-03T11:00:00Z")))
    }

    @Test("overdue keeps to the chair's clock across the change to summer time")
    func overdueAcrossDaylightSavingChange() async throws {
        // Clocks go forward at 01:00 UTC on 28 March 2027. Received 26 March 23:00 GMT; two
        // calendar days later is 28 March 23:00 BST, which is 22:00 UTC: one hour sooner than 48 h.
        let rule = OverdueRule(days: 2, timeZone: Self.london)
        #expect(rule.dueDate(receivedHour: "2027-03-26T23") == (try date("2027-03-28T22:00:00Z")))
        #expect(rule.isOverdue(receivedHour: "2027-03-26T23", now: try date("2027-03-28T22:30:00Z")))
        // And back in autumn (31 October 2027): a day is 25 hours long.
        #expect(rule.dueDate(receivedHour: "2027-10-30T12") == (try date("2027-11-01T13:00:00Z")))
    }

    @Test("statuses move only along the workflow, and typed forms are understood")
    func statusTransitions() {
        #expect(MessageStatus.new.allowedNext.contains(.inProgress))
        #expect(MessageStatus.inProgress.allowedNext.contains(.contacted))
        #expect(!MessageStatus.contacted.allowedNext.contains(.new))
        #expect(!MessageStatus.closed.allowedNext.contains(.contacted))
        #expect(MessageStatus(typed: "no-contact-possible") == .noContactPossible)
        #expect(MessageStatus(typed: "In_Progress") == .inProgress)
        #expect(MessageStatus(typed: "done") == nil)
    }

    @Test("only a contact request can be marked contacted, and only an unsettled one is open")
    func rulesByKind() {
        func message(_ submission: Submission?, _ statuses: [MessageStatus]) -> ChairStore.Message {
            ChairStore.Message(
                number: 1, relaySequence: 1, receivedHour: "2026-12-07T10", chain: [], submission: submission,
                problem: nil, events: statuses.map { WorkflowEvent(date: Date(), change: .status($0)) })
        }
        var request = Submission(message: "please call")
        request.contact = ContactRequest(method: .phone, details: "01632 960000")
        #expect(message(Submission(message: "hello"), []).allowedNextStatuses == [.inProgress, .closed])
        #expect(message(request, []).allowedNextStatuses == [.inProgress, .contacted, .noContactPossible, .closed])
        #expect(message(nil, []).allowedNextStatuses == [.inProgress, .closed])
        #expect(message(request, [.inProgress]).isOpenContactRequest)
        #expect(!message(request, [.contacted]).isOpenContactRequest)
        #expect(!message(Submission(message: "hello"), []).isOpenContactRequest)
    }

    @Test("month ranges include empty months and cross years")
    func monthRange() {
        #expect(Statistics.monthRange(from: "2026-11", to: "2027-02") == ["2026-11", "2026-12", "2027-01", "2027-02"])
        #expect(Statistics.monthRange(from: nil, to: nil).isEmpty)
    }
}
