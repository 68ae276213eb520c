import Envelope

/// How the details for each way of being contacted are asked for and checked: GOV.UK's "How
/// would you like to be contacted?", an input of the right kind revealed under each answer.
/// The relay checks with these patterns, and publishes them in the page so that the script
/// checks with exactly the same ones; the record holds the details exactly as typed.
struct ContactDetailsInput: Sendable {
    /// The kind of control the details are typed into.
    enum Control: String, Sendable {
        case email
        case telephone = "tel"
        case address
    }

    /// The contact method (`ContactRequest.Method`'s raw value) it is the answer to.
    let method: String
    let control: Control
    /// What the details must match in full, written to mean the same in Swift and JavaScript
    /// (ASCII classes only, no `\d` or `\s`); nil when anything not blank will do.
    let pattern: String?
    /// Whether spaces, dashes, brackets and dots are taken out before matching (a phone number).
    let ignoresPunctuation: Bool
    /// The catalogue key said when the details do not match.
    let formatErrorKey: String?

    /// Its name in the form: the details field's, then the answer (`contact_details_email`).
    var formName: String { "\(SubmissionField.contactDetails.formName)_\(method)" }
    /// The catalogue key said when Yes and this method were chosen but nothing was typed.
    var missingErrorKey: String { "error.details_missing.\(method)" }

    static let all: [ContactDetailsInput] = [
        .init(
            method: "email", control: .email, pattern: "^ *[^@ ]+@[^@ ]+[.][^@ ]+ *$", ignoresPunctuation: false,
            formatErrorKey: "error.email_format"),
        // A UK number (0 and 9 or 10 digits) or an international one (+ or 00, then 8 to 15 digits).
        .init(
            method: "phone", control: .telephone, pattern: "^(0[0-9]{9,10}|(\\+|00)[0-9]{8,15})$",
            ignoresPunctuation: true, formatErrorKey: "error.phone_format"),
        // For texts, a UK number must be a mobile (07, or 447 from abroad); others cannot be told.
        .init(
            method: "text", control: .telephone,
            pattern: "^(07[0-9]{9}|(\\+|00)447[0-9]{9}|(\\+|00)(?!44)[0-9]{8,15})$", ignoresPunctuation: true,
            formatErrorKey: "error.mobile_format"),
        .init(method: "letter", control: .address, pattern: nil, ignoresPunctuation: false, formatErrorKey: nil),
    ]

    static func input(for method: String) -> ContactDetailsInput? { all.first { $0.method == method } }

    /// Whether `typed` (not blank) is acceptable details for this method.
    func accepts(_ typed: String) -> Bool {
        guard let pattern else { return true }
        // Compiled here (a Regex cannot be shared between threads), only for a contact request.
        // The patterns are ours: one that does not compile refuses every value (and the tests,
        // which try each, fail) rather than letting every value through.
        guard let regex = try? Regex(pattern) else { return false }
        let text = ignoresPunctuation ? typed.filter { !" -().".contains($0) } : typed
        return (try? regex.wholeMatch(in: text)) != nil
    }

    /// The inputs as JSON, for the page's script: what it checks the details with.
    static var json: String {
        let entries = all.map { input in
            let pattern = input.pattern.map { "\"\($0.replacingOccurrences(of: "\\", with: "\\\\"))\"" } ?? "null"
            let format = input.formatErrorKey.map { "\"\($0)\"" } ?? "null"
            return "\"\(input.method)\":{\"form\":\"\(input.formName)\",\"pattern\":\(pattern),"
                + "\"ignoresPunctuation\":\(input.ignoresPunctuation),\"missing\":\"\(input.missingErrorKey)\","
                + "\"format\":\(format)}"
        }
        return "{" + entries.joined(separator: ",") + "}"
    }
}
