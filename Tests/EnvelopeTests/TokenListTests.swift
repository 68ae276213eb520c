import Envelope
import Testing

@Suite("Several categories in one record: a token list (FORMAT.md section 3.1)")
struct TokenListTests {
    @Test(
        "a token list is listed tokens, each once, in the table's order, joined by single spaces",
        arguments: [
            ("race", true), ("race age", true), ("religion-or-belief sex-or-gender age other", true),
            (Submission.Category.allCases.map(\.rawValue).joined(separator: " "), true),
            ("age race", false), ("race race", false), ("race  age", false), ("race ", false), (" race", false),
            ("", false), ("Race", false), ("race,age", false), ("race\tage", false), ("weather", false),
        ])
    func accepts(value: String, accepted: Bool) {
        #expect(SubmissionField.category.accepts(value) == accepted)
    }

    @Test("the categories are kept once each, in the table's order, however they were given")
    func normalised() throws {
        let submission = Submission(message: "hi", categories: [.age, .race, .age, .sexOrGender])
        #expect(submission.categories == [.race, .sexOrGender, .age])
        let record = try SubmissionRecord.encode(submission)
        let decoded = try SubmissionRecord.decode(record)
        #expect(decoded.categories == [.race, .sexOrGender, .age])
        #expect(SubmissionField.category.value(in: decoded) == "race sex-or-gender age")
        #expect(SubmissionField.category.value(in: Submission(message: "none")) == nil)
    }
}
