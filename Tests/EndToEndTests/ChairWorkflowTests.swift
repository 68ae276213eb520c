import Foundation
import TestSupport
import Testing

#if canImport(FoundationXML)
    import FoundationXML
#endif

/// A live relay and chair, filled through the form with `plain` messages and `contact` requests.
func filledSetup(plain: Int, contact: Int, category: String = "race") async throws -> LiveSetup {
    let setup = try await LiveSetup()
    for index in 0..<plain {
        let result = try await postForm(
            to: setup.relay.address, fields: [("message", "plain \(index)"), ("category", category)])
        guard result.status == 200 else { throw LiveSetup.SetupError(description: result.page) }
    }
    for index in 0..<contact {
        let result = try await postForm(
            to: setup.relay.address,
            fields: [
                ("message", "please contact me \(index)"), ("wants_contact", "yes"), ("contact_method", "email"),
                ("contact_details", "person\(index)@example.org"), ("contact_times", "evenings"),
            ])
        guard result.status == 200 else { throw LiveSetup.SetupError(description: result.page) }
    }
    let pulled = try await setup.pull()
    guard pulled.status == 0 else { throw LiveSetup.SetupError(description: pulled.standardError) }
    return setup
}

@Suite("The chair's workflow and statistics, on messages sent through the live relay", .serialized)
struct ChairWorkflowTests {
    @Test("contacts lists open requests oldest first with their details, and marks overdue ones")
    func contactsListsOpenRequests() async throws {
        let setup = try await filledSetup(plain: 1, contact: 2)
        let listed = try await setup.chair(["contacts", "--overdue-days", "3"])
        #expect(listed.status == 0)
        #expect(listed.output.contains("person0@example.org"))
        #expect(listed.output.contains("evenings"))
        #expect(!listed.output.contains("plain 0"))
        #expect(!listed.output.contains("OVERDUE"))
        let first = try #require(listed.output.range(of: "Message 2"))
        let second = try #require(listed.output.range(of: "Message 3"))
        #expect(first.lowerBound < second.lowerBound)
        #expect(
            try await setup.chair(["contacts", "--overdue-days", "0"]).output.components(separatedBy: "OVERDUE").count
                == 3)

        #expect(try await setup.chair(["status", "2", "contacted"]).status == 0)
        let after = try await setup.chair(["contacts"])
        #expect(!after.output.contains("person0@example.org"))
        #expect(after.output.contains("person1@example.org"))
    }

    @Test("status changes follow the workflow; a wrong one is refused with the allowed ones listed")
    func statusWorkflow() async throws {
        let setup = try await filledSetup(plain: 1, contact: 1)
        #expect(try await setup.chair(["status", "2", "in-progress"]).status == 0)
        #expect(try await setup.chair(["status", "2", "contacted"]).status == 0)
        let wrong = try await setup.chair(["status", "2", "new"])
        #expect(wrong.status == 1)
        #expect(wrong.standardError.contains("cannot go from contacted to new"))
        #expect(wrong.standardError.contains("hint: from contacted it can move to: closed, in progress"))
        let notContact = try await setup.chair(["status", "1", "contacted"])
        #expect(notContact.status == 1)
        #expect(notContact.standardError.contains("message 1 is not a contact request, so it cannot be marked"))
        #expect(notContact.standardError.contains("hint: it can move to: in progress, closed"))
        let typedAsShown = try await setup.chair(["status", "2", "No contact possible"])
        #expect(typedAsShown.standardError.contains("cannot go from contacted to no contact possible"))
        let unknown = try await setup.chair(["status", "1", "finished"])
        #expect(unknown.standardError.contains("'finished' is not a status"))
        #expect(try await setup.chair(["status", "9", "closed"]).standardError.contains("there is no message 9"))

        let list = try await setup.chair(["list", "--status", "contacted"])
        #expect(list.output.split(separator: "\n").count == 2)
        #expect(list.output.contains("contacted"))
        #expect(try await setup.chair(["list", "--kind", "message"]).output.contains("plain 0"))
        #expect(!(try await setup.chair(["list", "--kind", "message"]).output.contains("please contact me")))
        #expect(try await setup.chair(["list", "--since", "2999-01-01"]).standardError.contains("no messages match"))
        #expect(try await setup.chair(["list", "--since", "yesterday"]).status != 0)
    }

    @Test("notes are dated and shown with the message; read writes a private file and JSON")
    func notesAndRecords() async throws {
        let setup = try await filledSetup(plain: 0, contact: 1)
        #expect(
            try await setup.chair(["note", "1", "Rang at 14:10; no answer, left no message as asked."]).status == 0)
        #expect(try await setup.chair(["status", "1", "in-progress"]).status == 0)
        let read = try await setup.chair(["read", "1"])
        #expect(read.output.contains("note: Rang at 14:10; no answer, left no message as asked."))
        #expect(read.output.contains("status: in progress"))
        // In the chair's time zone, named.
        #expect(read.output.firstMatch(of: /\d{4}-\d{2}-\d{2} \d{2}:\d{2} [A-Z][A-Za-z0-9+\-]*  note/) != nil)

        let path = setup.folder.path("records/message-1.json")
        let written = try await setup.chair(["read", "1", "--json", "--output", path])
        #expect(written.status == 0, "\(written.standardError)")
        let attributes = try FileManager.default.attributesOfItem(atPath: path)
        #expect((attributes[.posixPermissions] as? Int) == 0o600)
        let json =
            try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: path))) as? [String: Any]
        #expect(json?["message"] as? String == "please contact me 0")
        #expect((json?["contact"] as? [String: Any])?["details"] as? String == "person0@example.org")
        // The note, the status, and the first reading (the `read` above).
        let history = json?["history"] as? [[String: Any]]
        #expect(history?.count == 3)
        #expect(history?.last?["read"] as? Bool == true)
        let again = try await setup.chair(["read", "1", "--output", path])
        #expect(again.status == 1)
        #expect(again.standardError.contains("already exists"))
    }

    @Test("stats hides small counts, and shows them all with --threshold 1")
    func statsSuppressSmallNumbers() async throws {
        let setup = try await filledSetup(plain: 6, contact: 2)
        let table = try await setup.chair(["stats"])
        #expect(table.status == 0)
        let month = String(Date().formatted(.iso8601.year().month()))
        #expect(table.output.contains("\(month)  8    <5"))
        #expect(table.output.contains("race                  6"))
        #expect(table.output.contains("contact request  <5"))
        #expect(!table.output.contains(" 2\n"))
        let exact = try await setup.chair(["stats", "--threshold", "1"])
        #expect(exact.output.contains("contact request  2"))

        let csv = try await setup.chair(["stats", "--csv"])
        #expect(csv.output.hasPrefix("table,key,column,value\n"))
        #expect(csv.output.contains("kind,contact request,count,<5"))
        let json = try await setup.chair(["stats", "--json"])
        let parsed = try JSONSerialization.jsonObject(with: Data(json.output.utf8)) as? [String: Any]
        #expect(parsed?["threshold"] as? Int == 5)
        let both = try await setup.chair(["stats", "--csv", "--json"])
        #expect(both.status != 0)
        #expect(both.standardError.contains("--csv"))
    }

    @Test("chair report writes the period's page; stats takes the same days; a wrong day says what to type")
    func reportForAPeriod() async throws {
        let setup = try await filledSetup(plain: 6, contact: 2)
        let today = String(Date().formatted(.iso8601.year().month().day()))
        let path = setup.folder.path("report.html")
        let written = try await setup.chair(["report", "--since", today, "--until", today, "--output", path])
        #expect(written.status == 0, "\(written.standardError)")
        #expect(written.standardError.contains("wrote the report for"))
        let page = try String(contentsOfFile: path, encoding: .utf8)
        #expect(page.hasPrefix("<!DOCTYPE html>") && !page.contains("<script") && !page.contains("person0@example.org"))
        #expect(page.contains("<td>8</td><td>&lt;5</td>"))
        let again = try await setup.chair(["report", "--output", path])
        #expect(again.status != 0 && again.standardError.contains("already exists"))

        let none = try await setup.chair(["stats", "--json", "--until", "2000-01-01"])
        let parsed = try JSONSerialization.jsonObject(with: Data(none.output.utf8)) as? [String: Any]
        #expect((parsed?["byKind"] as? [[String: Any]])?.map { $0["count"] as? Int } == [0, 0])
        let backwards = try await setup.chair(["stats", "--since", "2026-03-01", "--until", "2026-02-01"])
        #expect(backwards.status != 0 && backwards.standardError.contains("give the earlier day first"))
        let wrong = try await setup.chair(["stats", "--since", "2026-02-30"])
        #expect(wrong.status != 0 && wrong.standardError.contains("--since"))
    }

    @Test("the chart is well-formed SVG with one bar per month")
    func chartIsWellFormed() async throws {
        let setup = try await filledSetup(plain: 2, contact: 0)
        let path = setup.folder.path("chart.svg")
        #expect(try await setup.chair(["stats", "--chart", path]).status == 0)
        let data = try Data(contentsOf: URL(fileURLWithPath: path))
        let counter = BarCounter()
        let parser = XMLParser(data: data)
        parser.delegate = counter
        #expect(parser.parse(), "the SVG is not well-formed XML")
        #expect(counter.root == "svg")
        #expect(counter.bars == 1)
        #expect(String(decoding: data, as: UTF8.self).contains("&lt;5"))
    }
}

/// Counts `rect` elements of class "bar" while checking the document parses.
final class BarCounter: NSObject, XMLParserDelegate {
    var bars = 0
    var root: String?

    func parser(
        _ parser: XMLParser, didStartElement elementName: String, namespaceURI: String?, qualifiedName: String?,
        attributes: [String: String] = [:]
    ) {
        if root == nil { root = elementName }
        if elementName == "rect", attributes["class"]?.split(separator: " ").contains("bar") == true { bars += 1 }
    }
}
