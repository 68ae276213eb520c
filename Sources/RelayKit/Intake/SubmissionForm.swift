import Envelope
import FormDecoding

/// The contact form as submitted: the person's text, and what is wrong with it, if anything.
struct SubmissionForm: Sendable {
    /// A field of the form, by its name in the HTML: every field of `SubmissionField.all`, the
    /// contact question (Yes or No), and the contact details' input under each method.
    struct Field: Hashable, Sendable {
        let rawValue: String

        init?(rawValue: String) {
            guard
                rawValue == Self.wantsContact.rawValue || SubmissionField.named(form: rawValue) != nil
                    || ContactDetailsInput.all.contains(where: { $0.formName == rawValue })
            else { return nil }
            self.rawValue = rawValue
        }

        private init(_ field: SubmissionField) { rawValue = field.formName }
        private init(question name: String) { rawValue = name }
        /// The input for the details of one contact method.
        init(_ input: ContactDetailsInput) { rawValue = input.formName }

        static let message = Field(.message)
        static let category = Field(.category)
        static let contactMethod = Field(.contactMethod)
        static let contactDetails = Field(.contactDetails)
        static let contactVoicemail = Field(.contactVoicemail)
        static let formLanguage = Field(.formLanguage)
        /// Whether the contact fields count; not part of the submission.
        static let wantsContact = Field(question: "wants_contact")

        /// The form's fields in the order its checks report them: the message's, the contact question,
        /// the contact request's (the details' input under each method after the details field,
        /// which only a form served before those inputs existed sends), and last the form's language.
        static let allCases: [Field] = {
            let fields = SubmissionField.all.filter { $0.tag != SubmissionField.formLanguage.tag }
            let contact = fields.filter(\.isContactField).flatMap { field -> [Field] in
                field.tag == SubmissionField.contactDetails.tag
                    ? [Field(field)] + ContactDetailsInput.all.map(Field.init) : [Field(field)]
            }
            return fields.filter { !$0.isContactField }.map(Field.init) + [wantsContact] + contact + [formLanguage]
        }()

        /// The form names that may come more than once: check boxes sharing a name (a token list).
        static let repeatableNames = Set(SubmissionField.all.filter { $0.kind == .tokenList }.map(\.formName))

        /// The submission field it fills (a method's details input fills the contact details);
        /// nil for the contact question, which only says whether the contact fields count.
        var submissionField: SubmissionField? {
            SubmissionField.named(form: rawValue)
                ?? (ContactDetailsInput.all.contains { $0.formName == rawValue } ? .contactDetails : nil)
        }

        /// The longest text accepted, in characters as `SubmissionField.characterCount` counts them.
        var maximumLength: Int { submissionField?.maximumCharacters ?? 200 }
    }

    /// One thing wrong, tied to the field it is about: a catalogue key and its values.
    struct FieldError: Sendable, Equatable {
        let field: Field
        let key: String
        var values: [String: String] = [:]
        /// Values that are field names, translated when shown.
        var fieldNameValue: Field?

        /// The message in `catalogue`'s language: the field's own words (`error.too_long.message`)
        /// where a language needs them (Welsh writes "i'ch neges", not "i Eich neges"), else the
        /// shared words with the field's name in them.
        func message(_ catalogue: Catalogue) -> String {
            var all = values
            if let fieldNameValue {
                let ownKey = "\(key).\(fieldNameValue.rawValue)"
                if catalogue.has(ownKey) { return catalogue.text(ownKey, all) }
                all["field"] = catalogue.text("name.\(fieldNameValue.rawValue)")
            }
            return catalogue.text(key, all)
        }
    }

    /// The values to show in the form again, exactly as typed.
    let values: [Field: String]
    /// What is wrong; empty when the form is valid.
    private(set) var errors: [FieldError] = []

    /// An empty form.
    init() {
        values = [:]
    }

    /// Reads the decoded fields and checks every rule; `offeredLanguages` are the catalogues' codes.
    init(fields: FormFields, offeredLanguages: Set<String>) {
        var values: [Field: String] = [:]
        for field in Field.allCases {
            // Browsers send CRLF for a new line in a text area; a line break is kept as LF.
            if let value = fields[field.rawValue] {
                values[field] = Self.normaliseLineBreaks(value)
            }
        }
        self.values = values
        validate(
            invalidUTF8: Set(fields.invalidUTF8.compactMap(Field.init(rawValue:))), offeredLanguages: offeredLanguages)
    }

    /// CRLF as LF, without Foundation: this runs on every submission.
    static func normaliseLineBreaks(_ text: String) -> String {
        guard text.utf8.contains(0x0D) else { return text }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(text.utf8.count)
        var previous: UInt8 = 0
        for byte in text.utf8 {
            if byte == 0x0A && previous == 0x0D { bytes.removeLast() }
            bytes.append(byte)
            previous = byte
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// The same text with nothing marked wrong: shown again in another language, before Send.
    var withoutErrors: SubmissionForm {
        var copy = self
        copy.errors = []
        return copy
    }

    /// The text of `field`, nil when empty or only spaces.
    func text(_ field: Field) -> String? {
        guard let value = values[field], !SubmissionField.isBlank(value) else { return nil }
        return value
    }

    var wantsContact: Bool { values[.wantsContact] == "yes" }

    private mutating func validate(invalidUTF8: Set<Field>, offeredLanguages: Set<String>) {
        for field in Field.allCases where invalidUTF8.contains(field) {
            errors.append(FieldError(field: field, key: "error.unreadable", fieldNameValue: field))
        }
        if text(.message) == nil {
            errors.append(FieldError(field: .message, key: "error.message_empty"))
        }
        for field in Field.allCases {
            // A value with no more bytes than the limit cannot have more code points, so most
            // values skip the count.
            guard let value = values[field], value.utf8.count > field.maximumLength else { continue }
            let count = SubmissionField.characterCount(value)
            if count > field.maximumLength {
                errors.append(
                    FieldError(
                        field: field, key: "error.too_long",
                        values: ["max": field.maximumLength.formatted, "count": count.formatted],
                        fieldNameValue: field))
            }
        }
        checkChoices(contactFields: false)
        // Typed contact fields (not the choices, which a browser may send without Yes).
        let contactFields = Field.allCases.filter {
            $0.submissionField.map { $0.isContactField && $0.kind == .text } ?? false
        }
        if wantsContact {
            if let input = chosenDetailsInput {
                if let typed = text(Field(input)) {
                    if !input.accepts(typed), let key = input.formatErrorKey {
                        errors.append(FieldError(field: Field(input), key: key))
                    }
                } else if text(.contactDetails) == nil {
                    errors.append(FieldError(field: Field(input), key: input.missingErrorKey))
                }
            } else {
                // Which details to ask for depends on the method: only the method is asked for.
                errors.append(FieldError(field: .contactMethod, key: "error.method"))
            }
            checkChoices(contactFields: true)
        } else if contactFields.contains(where: { text($0) != nil }) {
            errors.append(FieldError(field: .wantsContact, key: "error.details_without_yes"))
        }
        if let language = text(.formLanguage), !offeredLanguages.contains(language) {
            errors.append(FieldError(field: .formLanguage, key: "error.form_language"))
        }
    }

    /// The refusal of a value a choice field does not offer: the field's own words where the
    /// catalogues have them, else `error.choice`, which names the field.
    static let choiceErrorKeys: [Field: String] = [.category: "error.category", .contactVoicemail: "error.voicemail"]

    /// Refuses a token or yes-no value the form never offered (a crafted post, or an old page).
    /// The contact method is not here: it is required, and `validate` says so in its own words.
    private mutating func checkChoices(contactFields: Bool) {
        for field in Field.allCases where field != .contactMethod {
            guard let target = field.submissionField, [.token, .tokenList, .yesNo].contains(target.kind),
                target.isContactField == contactFields, let value = text(field), !target.accepts(value)
            else { continue }
            let key = Self.choiceErrorKeys[field]
            errors.append(
                FieldError(field: field, key: key ?? "error.choice", fieldNameValue: key == nil ? field : nil))
        }
    }

    /// The details input of the method chosen, if one was.
    private var chosenDetailsInput: ContactDetailsInput? {
        text(.contactMethod).flatMap(ContactRequest.Method.init(rawValue:)).flatMap {
            ContactDetailsInput.input(for: $0.rawValue)
        }
    }

    /// The details typed under the chosen method (or, from a form served before those inputs
    /// existed, in the one details box).
    private var contactDetails: String? { chosenDetailsInput.flatMap { text(Field($0)) } ?? text(.contactDetails) }

    /// The submission to seal; only call when `errors` is empty.
    func makeSubmission() -> Submission {
        var submission = Submission(message: values[.message] ?? "", formLanguage: "en")
        if wantsContact, let method = text(.contactMethod).flatMap(ContactRequest.Method.init(rawValue:)),
            let details = contactDetails
        {
            submission.contact = ContactRequest(method: method, details: details)
        }
        for field in Field.allCases where field != .message {
            // The details were chosen above, from the chosen method's input only.
            guard let target = field.submissionField, target.tag != SubmissionField.contactDetails.tag,
                let value = text(field), target.accepts(value),
                !target.isContactField || submission.contact != nil
            else { continue }
            target.write(value, into: &submission)
        }
        return submission
    }
}

extension Int {
    /// The number with thousands separated by commas, e.g. "15,000".
    var formatted: String {
        let digits = Array(String(self))
        var groups: [String] = []
        var end = digits.count
        while end > 0 {
            groups.insert(String(digits[Swift.max(0, end - 3)..<end]), at: 0)
            end -= 3
        }
        return groups.joined(separator: ",")
    }
}
