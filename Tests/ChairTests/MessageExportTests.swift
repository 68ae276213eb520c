import Envelope
import Foundation
import Testing

@testable import ChairCLI
@testable import ChairCore
@testable import ChairStorage
@testable import ChairSync

@Suite("The chair's JSON of a message, driven by the field table")
struct MessageExportTests {
    static let full = Submission(
        message: "the bus station", categories: [.race], location: "Cardiff", time: "Tuesday", formLanguage: "cy",
        contact: ContactRequest(
            name: "Sam", method: .phone, details: "07700 900123", safeTimes: "evenings", mayLeaveMessage: false,
            language: "Cymraeg", avoid: "mentioning police"))

    func exported(_ submission: Submission) throws -> [String: Any] {
        let message = ChairStore.Message(
            number: 7, relaySequence: 9, receivedHour: "2026-11-30T06", chain: Array(repeating: 1, count: 32),
            submission: submission, problem: nil)
        let object = try JSONSerialization.jsonObject(with: Data(MessageExport.json(message).utf8))
        return try #require(object as? [String: Any])
    }

    @Test("every field of the table is in it under its JSON name, a contact request's inside 'contact'")
    func everyField() throws {
        var submission = Self.full
        // A field added to the table after this test was written gets a value too.
        for field in SubmissionField.all where field.value(in: submission) == nil {
            field.write(field.tokens.first ?? "a value", into: &submission)
        }
        let json = try exported(submission)
        let contact = try #require(json["contact"] as? [String: Any])
        for field in SubmissionField.all {
            let value = (field.isContactField ? contact : json)[field.jsonName]
            #expect(value != nil, "\(field.recordName) is missing as \(field.jsonName)")
        }
        #expect(contact["mayLeaveMessage"] as? Bool == false, "a yes-no field is a JSON boolean")
        #expect(json["categories"] as? [String] == ["race"], "a token list is a JSON array")
        #expect(json["number"] as? Int == 7 && json["kind"] as? String == "contact request")
        #expect(contact.count == SubmissionField.all.filter(\.isContactField).count)
    }

    @Test("the names chair read --json has always used stay the same")
    func namesAreStable() {
        let names = Dictionary(uniqueKeysWithValues: SubmissionField.all.map { ($0.recordName, $0.jsonName) })
        // One change, made on purpose: "category" (a string) became "categories" (an array) when a
        // message could give several, so that a reader of the old string fails loudly, not wrongly.
        let always = [
            "message": "message", "category": "categories", "where": "location", "when": "time",
            "form-language": "formLanguage", "contact-name": "name", "contact-method": "method",
            "contact-details": "details", "contact-times": "safeTimes", "contact-voicemail": "mayLeaveMessage",
            "contact-language": "language", "contact-avoid": "avoid",
        ]
        for (record, json) in always { #expect(names[record] == json, "\(record)") }
    }

    @Test("a field added to the table gets its JSON name from its record name")
    func newFieldNames() {
        let reference = SubmissionField(
            tag: 0x06, recordName: "police-reference", formName: "police_reference", maximumCharacters: 100,
            chairLabel: "Police ref:", presentation: .line(hint: false))
        #expect(reference.jsonName == "policeReference")
        let pronouns = SubmissionField(
            tag: 0x27, recordName: "contact-pronouns", formName: "contact_pronouns", maximumCharacters: 100,
            chairLabel: "Pronouns:", presentation: .line(hint: false))
        #expect(pronouns.jsonName == "pronouns")
        var submission = Self.full
        pronouns.write("they/them", into: &submission)
        #expect(pronouns.value(in: submission) == "they/them")
    }
}
