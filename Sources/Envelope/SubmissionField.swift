/// Every field of a submission, in one table (docs/FORMAT.md section 3.1): its record tag and
/// name, its name in the web form, what it holds, how long it may be and how that is counted,
/// and whether it belongs to a contact request. The record's encoding, the form's checks, the
/// page (which publishes the table to its script), the script and the chair's output are all
/// driven from it, so a field is added here and in the catalogues, and nowhere else.
public struct SubmissionField: Sendable {
    /// What a field's value is.
    public enum Kind: String, Sendable {
        /// Free text, exactly as typed.
        case text
        /// One of `tokens`.
        case token
        /// One or more of `tokens`, each at most once, in the order `tokens` lists them, joined by
        /// single spaces.
        case tokenList = "token-list"
        /// "yes" or "no".
        case yesNo = "yes-no"
        /// A BCP 47 tag of 2 to 35 characters from `A-Z a-z 0-9 -`.
        case languageTag = "language-tag"
    }

    /// How a field appears in the web form. Its label is the catalogue's `field.FORM.label` (a
    /// legend for radios: `field.FORM.legend`), its hint `field.FORM.hint`, and each choice's
    /// words `PREFIX.TOKEN`.
    public enum Presentation: Sendable, Equatable {
        /// Not shown: the page fills it in (the form's language).
        case hidden
        /// A one-line text box.
        case line(hint: Bool)
        /// A text area of `rows` lines.
        case box(rows: Int, hint: Bool)
        /// A drop-down list of the tokens, first "none" (`PREFIX.none`).
        case list(prefix: String)
        /// A check box for each token (a token list), under a legend (`field.FORM.legend`) and a
        /// hint (`field.FORM.hint`).
        case checkboxes(prefix: String)
        /// A radio button a token.
        case radios(prefix: String)
        /// One input under each answer of the radio field whose form name is given, posted as
        /// `FORM_ANSWER` (`contact_details_email`): the chosen answer's is the value.
        case perAnswer(of: String)
    }

    /// The field's tag in the record, which also orders fields.
    public let tag: UInt8
    /// Its name in FORMAT.md and in the chair's JSON.
    public let recordName: String
    /// Its name in the web form (and in the catalogue keys `name.…` and `field.….label`).
    public let formName: String
    /// Its key in the chair's JSON (`chair read --json`); a contact field's is inside `contact`.
    public let jsonName: String
    public let kind: Kind
    /// The accepted values of a token field, in the order the form offers them.
    public let tokens: [String]
    /// The most characters the form accepts (counted by `characterCount`).
    public let maximumCharacters: Int
    /// The label beside it in the chair's text output.
    public let chairLabel: String
    /// How the web form shows it.
    public let presentation: Presentation
    private let reader: @Sendable (Submission) -> String?
    private let writer: @Sendable (inout Submission, String) -> Void

    /// Tags 0x20 to 0x2F: fields of a request to be contacted.
    public var isContactField: Bool { (0x20...0x2F).contains(tag) }

    /// The field's value in `submission`, as the record holds it.
    public func value(in submission: Submission) -> String? { reader(submission) }

    /// Puts `value` (already accepted) in its place in `submission`; a contact field needs the
    /// submission's contact request to exist.
    public func write(_ value: String, into submission: inout Submission) { writer(&submission, value) }

    /// How long text is, for every limit on both sides (the relay, and the page's script): in
    /// Unicode code points, which JavaScript counts the same way (`Array.from(text).length`),
    /// unlike grapheme clusters.
    public static func characterCount(_ text: String) -> Int { text.unicodeScalars.count }

    /// Whether `text` is empty or nothing but White_Space code points: such a value is left out.
    public static func isBlank(_ text: String) -> Bool {
        text.unicodeScalars.allSatisfy(\.properties.isWhitespace)
    }

    public static let message = text(
        0x01, "message", form: "message", json: "message", maximum: 15_000, label: "Message:",
        shown: .box(rows: 10, hint: true)
    ) {
        $0.message
    } write: {
        $0.message = $1
    }
    public static let category = SubmissionField(
        tag: 0x02, recordName: "category", formName: "category", jsonName: "categories", kind: .tokenList,
        tokens: Submission.Category.allCases.map(\.rawValue), maximumCharacters: 200, chairLabel: "Category:",
        presentation: .checkboxes(prefix: "category"),
        reader: { $0.categories.isEmpty ? nil : $0.categories.map(\.rawValue).joined(separator: " ") },
        writer: { $0.categories = $1.split(separator: " ").compactMap { Submission.Category(rawValue: String($0)) } })
    public static let location = text(
        0x03, "where", form: "where", json: "location", maximum: 1_000, label: "Where:", shown: .line(hint: false)
    ) {
        $0.location
    } write: {
        $0.location = $1
    }
    public static let time = text(
        0x04, "when", form: "when", json: "time", maximum: 1_000, label: "When:", shown: .line(hint: false)
    ) {
        $0.time
    } write: {
        $0.time = $1
    }
    public static let formLanguage = SubmissionField(
        tag: 0x05, recordName: "form-language", formName: "form_language", jsonName: "formLanguage", kind: .languageTag,
        tokens: [],
        maximumCharacters: 200, chairLabel: "Form language:", presentation: .hidden, reader: { $0.formLanguage },
        writer: { $0.formLanguage = $1 })
    public static let contactName = text(
        0x20, "contact-name", form: "contact_name", json: "name", maximum: 200, label: "Name:",
        shown: .line(hint: false)
    ) {
        $0.contact?.name
    } write: {
        $0.contact?.name = $1
    }
    public static let contactMethod = SubmissionField(
        tag: 0x21, recordName: "contact-method", formName: "contact_method", jsonName: "method", kind: .token,
        tokens: ContactRequest.Method.allCases.map(\.rawValue), maximumCharacters: 200, chairLabel: "How:",
        presentation: .radios(prefix: "method"), reader: { $0.contact?.method.rawValue },
        writer: { submission, value in
            if let method = ContactRequest.Method(rawValue: value) { submission.contact?.method = method }
        })
    public static let contactDetails = text(
        0x22, "contact-details", form: "contact_details", json: "details", maximum: 1_000, label: "Details:",
        shown: .perAnswer(of: "contact_method")
    ) {
        $0.contact?.details
    } write: {
        $0.contact?.details = $1
    }
    public static let contactTimes = text(
        0x23, "contact-times", form: "contact_times", json: "safeTimes", maximum: 1_000, label: "Safe times:",
        shown: .line(hint: true)
    ) {
        $0.contact?.safeTimes
    } write: {
        $0.contact?.safeTimes = $1
    }
    public static let contactVoicemail = SubmissionField(
        tag: 0x24, recordName: "contact-voicemail", formName: "contact_voicemail", jsonName: "mayLeaveMessage",
        kind: .yesNo,
        tokens: ["yes", "no"], maximumCharacters: 200, chairLabel: "Leave a message:",
        presentation: .radios(prefix: "voicemail"), reader: { $0.contact?.mayLeaveMessage.map { $0 ? "yes" : "no" } },
        writer: { $0.contact?.mayLeaveMessage = $1 == "yes" })
    public static let contactLanguage = text(
        0x25, "contact-language", form: "contact_language", json: "language", maximum: 200, label: "Language:",
        shown: .line(hint: false)
    ) {
        $0.contact?.language
    } write: {
        $0.contact?.language = $1
    }
    public static let contactAvoid = text(
        0x26, "contact-avoid", form: "contact_avoid", json: "avoid", maximum: 1_000, label: "Avoid:",
        shown: .box(rows: 2, hint: true)
    ) {
        $0.contact?.avoid
    } write: {
        $0.contact?.avoid = $1
    }

    /// The table, in tag order: the order fields are encoded in.
    public static let all: [SubmissionField] = [
        message, category, location, time, formLanguage, contactName, contactMethod, contactDetails, contactTimes,
        contactVoicemail, contactLanguage, contactAvoid,
    ]

    /// Each field by its record tag.
    static let byTag: [UInt8: SubmissionField] = Dictionary(uniqueKeysWithValues: all.map { ($0.tag, $0) })

    /// The field with this name in the web form.
    public static func named(form name: String) -> SubmissionField? { all.first { $0.formName == name } }

    /// A text field with a property of its own in `Submission`.
    private static func text(
        _ tag: UInt8, _ recordName: String, form: String, json: String, maximum: Int, label: String,
        shown: Presentation, read: @escaping @Sendable (Submission) -> String?,
        write: @escaping @Sendable (inout Submission, String) -> Void
    ) -> SubmissionField {
        SubmissionField(
            tag: tag, recordName: recordName, formName: form, jsonName: json, kind: .text, tokens: [],
            maximumCharacters: maximum, chairLabel: label, presentation: shown, reader: read, writer: write)
    }

    /// A field kept in `Submission.additional`: all a new field needs is one of these in `all`
    /// (and its words in the catalogues). Its JSON name is its record name in camel case,
    /// without `contact-` (`contact-pronouns` is `pronouns` inside `contact`).
    public init(
        tag: UInt8, recordName: String, formName: String, kind: Kind = .text, tokens: [String] = [],
        maximumCharacters: Int, chairLabel: String, presentation: Presentation
    ) {
        let words = recordName.split(separator: "-").drop { (0x20...0x2F).contains(tag) && $0 == "contact" }
        let jsonName =
            (words.first.map(String.init) ?? "")
            + words.dropFirst().map { $0.prefix(1).uppercased() + $0.dropFirst() }.joined()
        self.init(
            tag: tag, recordName: recordName, formName: formName, jsonName: jsonName, kind: kind, tokens: tokens,
            maximumCharacters: maximumCharacters, chairLabel: chairLabel, presentation: presentation,
            reader: { $0.additional[recordName] }, writer: { $0.additional[recordName] = $1 })
    }

    private init(
        tag: UInt8, recordName: String, formName: String, jsonName: String, kind: Kind, tokens: [String],
        maximumCharacters: Int, chairLabel: String, presentation: Presentation,
        reader: @escaping @Sendable (Submission) -> String?,
        writer: @escaping @Sendable (inout Submission, String) -> Void
    ) {
        self.tag = tag
        self.recordName = recordName
        self.formName = formName
        self.jsonName = jsonName
        self.kind = kind
        self.tokens = tokens
        self.maximumCharacters = maximumCharacters
        self.chairLabel = chairLabel
        self.presentation = presentation
        self.reader = reader
        self.writer = writer
    }

    /// Whether `value` is acceptable for this field (beyond being non-empty, which every field is).
    public func accepts(_ value: String) -> Bool {
        switch kind {
        case .text: true
        case .token, .yesNo: tokens.contains(value)
        case .tokenList: Self.isTokenList(value, of: tokens)
        case .languageTag: SubmissionRecord.isValidLanguageTag(Array(value.utf8))
        }
    }

    /// Whether `value` is `tokens`' members, each once, in their order, joined by single spaces.
    static func isTokenList(_ value: String, of tokens: [String]) -> Bool {
        var next = tokens.startIndex
        for part in value.split(separator: " ", omittingEmptySubsequences: false) {
            guard let index = tokens[next...].firstIndex(of: String(part)) else { return false }
            next = index + 1
        }
        return true
    }

    /// The table as JSON, for the page's script: what it validates and encodes from.
    public static var json: String {
        let entries = all.map { field in
            let tokens = field.tokens.map { "\"\($0)\"" }.joined(separator: ",")
            var perAnswer = ""
            if case .perAnswer(let question) = field.presentation { perAnswer = ",\"perAnswer\":\"\(question)\"" }
            return "{\"tag\":\(field.tag),\"record\":\"\(field.recordName)\",\"form\":\"\(field.formName)\","
                + "\"kind\":\"\(field.kind.rawValue)\",\"tokens\":[\(tokens)],\"max\":\(field.maximumCharacters),"
                + "\"contact\":\(field.isContactField)\(perAnswer)}"
        }
        return "[" + entries.joined(separator: ",") + "]"
    }
}
