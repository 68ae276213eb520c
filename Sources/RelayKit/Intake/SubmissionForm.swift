import Envelope

/// The contact form as submitted: the person's text, and what is wrong with it, if anything.
struct SubmissionForm: Sendable {
    /// Names of the form's fields, as in the HTML.
    enum Field: String, CaseIterable, Sendable {
        case message
        case category
        case location = "where"
        case time = "when"
        case wantsContact = "wants_contact"
        case contactName = "contact_name"
        case contactMethod = "contact_method"
        case contactDetails = "contact_details"
        case contactTimes = "contact_times"
        case contactVoicemail = "contact_voicemail"
        case contactLanguage = "contact_language"
        case contactAvoid = "contact_avoid"
        case formLanguage = "form_language"

        /// The longest text accepted, in characters.
        var maximumLength: Int {
            switch self {
            case .message: 15_000
            case .location, .time, .contactDetails, .contactTimes, .contactAvoid: 1_000
            default: 200
            }
        }

        /// How the field is named in an error message.
        var label: String {
            switch self {
            case .message: "Your message"
            case .category: "The kind of incident"
            case .location: "Where it happened"
            case .time: "When it happened"
            case .wantsContact: "The contact choice"
            case .contactName: "What to call you"
            case .contactMethod: "How to contact you"
            case .contactDetails: "Your contact details"
            case .contactTimes: "Safe times"
            case .contactVoicemail: "Whether to leave a message"
            case .contactLanguage: "Your preferred language"
            case .contactAvoid: "Anything to avoid"
            case .formLanguage: "The form language"
            }
        }
    }

    /// One thing wrong, tied to the field it is about.
    struct FieldError: Sendable, Equatable {
        let field: Field
        let message: String
    }

    /// The values to show in the form again, exactly as typed.
    let values: [Field: String]
    /// What is wrong; empty when the form is valid.
    private(set) var errors: [FieldError] = []

    /// An empty form.
    init() {
        values = [:]
    }

    /// Reads the decoded fields and checks every rule.
    init(fields: FormFields) {
        var values: [Field: String] = [:]
        for field in Field.allCases {
            // Browsers send CRLF for a new line in a text area; a line break is kept as LF.
            if let value = fields[field.rawValue] {
                values[field] = value.replacingOccurrences(of: "\r\n", with: "\n")
            }
        }
        self.values = values
        validate(invalidUTF8: Set(fields.invalidUTF8.compactMap(Field.init(rawValue:))))
    }

    /// The text of `field`, nil when empty or only spaces.
    func text(_ field: Field) -> String? {
        guard let value = values[field], !value.allSatisfy(\.isWhitespace) else { return nil }
        return value
    }

    var wantsContact: Bool { values[.wantsContact] == "yes" }

    private mutating func validate(invalidUTF8: Set<Field>) {
        for field in Field.allCases where invalidUTF8.contains(field) {
            errors.append(
                FieldError(
                    field: field,
                    message: "\(field.label) has characters that could not be read. Check it and send it again."))
        }
        if text(.message) == nil {
            errors.append(FieldError(field: .message, message: "Enter your message"))
        }
        for field in Field.allCases {
            if let value = values[field], value.count > field.maximumLength {
                errors.append(
                    FieldError(
                        field: field,
                        message:
                            "\(field.label) must be \(field.maximumLength.formatted) characters or fewer. It is \(value.count.formatted) now."
                    ))
            }
        }
        if let category = text(.category), Submission.Category(rawValue: category) == nil {
            errors.append(FieldError(field: .category, message: "Choose the kind of incident from the list"))
        }
        let contactFields: [Field] = [.contactName, .contactDetails, .contactTimes, .contactLanguage, .contactAvoid]
        if wantsContact {
            if let method = text(.contactMethod), ContactRequest.Method(rawValue: method) == nil {
                errors.append(FieldError(field: .contactMethod, message: "Choose how the chair should contact you"))
            } else if text(.contactMethod) == nil {
                errors.append(FieldError(field: .contactMethod, message: "Choose how the chair should contact you"))
            }
            if text(.contactDetails) == nil {
                errors.append(
                    FieldError(
                        field: .contactDetails,
                        message: "Enter how the chair can reach you, or untick ‘Please contact me directly’"))
            }
            if let voicemail = text(.contactVoicemail), voicemail != "yes" && voicemail != "no" {
                errors.append(FieldError(field: .contactVoicemail, message: "Choose whether a message may be left"))
            }
        } else if contactFields.contains(where: { text($0) != nil }) {
            errors.append(
                FieldError(
                    field: .wantsContact,
                    message:
                        "Tick ‘Please contact me directly’ if you want the chair to contact you, or clear your contact details"
                ))
        }
        if let language = text(.formLanguage), language != "en" && language != "cy" {
            errors.append(FieldError(field: .formLanguage, message: "The form language is not one we offer"))
        }
    }

    /// The submission to seal; only call when `errors` is empty.
    func makeSubmission() -> Submission {
        var submission = Submission(
            message: values[.message] ?? "", category: text(.category).flatMap(Submission.Category.init(rawValue:)),
            location: text(.location), time: text(.time), formLanguage: text(.formLanguage) ?? "en")
        if wantsContact, let method = text(.contactMethod).flatMap(ContactRequest.Method.init(rawValue:)),
            let details = text(.contactDetails)
        {
            submission.contact = ContactRequest(
                name: text(.contactName), method: method, details: details, safeTimes: text(.contactTimes),
                mayLeaveMessage: text(.contactVoicemail).map { $0 == "yes" }, language: text(.contactLanguage),
                avoid: text(.contactAvoid))
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
