import Envelope
import Foundation
import Testing

@testable import ChairCLI
@testable import ChairCore
@testable import ChairStorage
@testable import ChairSync

#if canImport(FoundationXML)
    import FoundationXML
#endif

@Suite("A report for the meeting, and the statistics of a period")
struct ReportTests {
    static let canary = "REPORT-CANARY-TEXT"

    /// `plain` messages and `contact` requests received on `day`, with a canary in every text.
    static func messages(day: String, plain: Int, contact: Int, first: Int64 = 1) -> [ChairStore.Message] {
        (0..<(plain + contact)).map { index in
            var submission = Submission(message: "\(canary) \(index)", categories: [.race, .age])
            if index >= plain {
                submission.contact = ContactRequest(method: .email, details: "\(canary)@example.org")
            }
            return ChairStore.Message(
                number: first + Int64(index), relaySequence: first + Int64(index), receivedHour: "\(day)T10",
                chain: Array(repeating: 0, count: 32), submission: submission, problem: nil)
        }
    }

    static func day(_ text: String) throws -> CalendarDay { try #require(CalendarDay(argument: text)) }

    @Test(
        "a day must be YYYY-MM-DD and exist",
        arguments: ["2026-02-29", "2026-13-01", "2026-04-31", "26-01-01", "2026-1-01", "２０２６-01-01", ""])
    func refusedDays(text: String) {
        #expect(CalendarDay(argument: text) == nil)
    }

    @Test("the period counts the UTC days it names, both ends included, and its months all show")
    func periodFilters() throws {
        let all =
            Self.messages(day: "2026-01-31", plain: 1, contact: 0)
            + Self.messages(day: "2026-02-01", plain: 6, contact: 2, first: 10)
            + Self.messages(day: "2026-04-30", plain: 1, contact: 0, first: 30)
            + Self.messages(day: "2026-05-01", plain: 1, contact: 0, first: 40)
        let period = ReportPeriod(since: try Self.day("2026-02-01"), until: try Self.day("2026-04-30"))
        let statistics = Statistics(messages: all, threshold: 5, period: period)
        #expect(statistics.months.map(\.month) == ["2026-02", "2026-03", "2026-04"])
        #expect(statistics.months.map(\.all) == [8, 0, 1])
        #expect(statistics.kinds.map(\.count) == [7, 2])
        #expect(statistics.statusRows.first { $0.name == "new" }?.count == 9)
        #expect(period.words == "1 February 2026 to 30 April 2026")
    }

    @Test("stats --json gives numbers as numbers, and a hidden count as null named in 'suppressed'")
    func jsonNumbers() throws {
        let statistics = Statistics(messages: Self.messages(day: "2026-11-30", plain: 6, contact: 2), threshold: 5)
        let json = try #require(
            try JSONSerialization.jsonObject(with: Data(statistics.renderJSON().utf8)) as? [String: Any])
        let month = try #require((json["byMonth"] as? [[String: Any]])?.first)
        #expect(month["all"] as? Int == 8)
        #expect(month["contactRequests"] is NSNull)
        #expect(month["suppressed"] as? [String] == ["contactRequests"])
        let race = try #require((json["byCategory"] as? [[String: Any]])?.first { $0["category"] as? String == "race" })
        #expect(race["count"] as? Int == 8 && (race["suppressed"] as? [String])?.isEmpty == true)
        let none = try #require(
            (json["byCategory"] as? [[String: Any]])?.first { $0["category"] as? String == "disability" })
        #expect(none["count"] as? Int == 0, "none is 0, not hidden")
        let contact = try #require(json["contactRequests"] as? [String: Any])
        #expect(contact["requests"] is NSNull && contact["medianDaysToContact"] is NSNull)
        #expect(contact["suppressed"] as? [String] == ["requests"], "no median is not a hidden one")
        #expect((json["period"] as? [String: Any])?["since"] is NSNull)
    }

    @Test("the chart is wide enough for its title and note with a single month")
    func chartNotClipped() {
        let statistics = Statistics(messages: Self.messages(day: "2026-11-30", plain: 2, contact: 0), threshold: 5)
        let svg = BarChart.render(statistics)
        #expect(svg.contains("width=\"\(BarChart.minimumWidth)\""))
    }

    @Test("the report is well-formed, self-contained and anonymous, with small counts hidden as stats hides them")
    func reportPage() throws {
        let statistics = Statistics(
            messages: Self.messages(day: "2026-11-30", plain: 6, contact: 2), threshold: 5,
            period: ReportPeriod(since: try Self.day("2026-11-01"), until: try Self.day("2026-11-30")))
        let page = ReportPage.render(statistics, made: Date(timeIntervalSince1970: 1_795_000_000))
        let parser = XMLParser(data: Data(page.dropFirst("<!DOCTYPE html>\n".count).utf8))
        #expect(parser.parse(), "not well-formed: \(String(describing: parser.parserError))")
        for forbidden in ["<script", "src=", "href=", "http:", "https:", "url(", "@import", Self.canary, "example.org"]
        {
            #expect(!page.lowercased().contains(forbidden.lowercased()), "the report holds \(forbidden)")
        }
        #expect(page.contains("Messages to the group: 1 November 2026 to 30 November 2026"))
        #expect(page.contains("<th scope=\"row\">2026-11</th><td>8</td><td>&lt;5</td>"))
        #expect(page.contains("<th scope=\"row\">contact request</th><td>&lt;5</td>"))
        #expect(page.contains("<th scope=\"row\">age</th><td>8</td>"))
        #expect(page.contains("<svg width="))
    }
}
