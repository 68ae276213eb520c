/// What a member of the public submitted: the plaintext that only the chair may read.
public struct Submission: Sendable, Equatable {
    /// Whether the person asked to be contacted directly.
    public enum Kind: String, Sendable, Equatable {
        /// A message only.
        case message
        /// A message with a request for direct contact.
        case contactRequest = "contact request"
    }

    /// A kind of hate crime or incident, as the person chose it: the five strands police forces
    /// record, sex or gender and age, which some forces record too, and anything else. In the
    /// order the record lists them (FORMAT.md section 3.1).
    public enum Category: String, CaseIterable, Sendable, Comparable {
        case race
        case religionOrBelief = "religion-or-belief"
        case sexualOrientation = "sexual-orientation"
        case disability
        case transgenderIdentity = "transgender-identity"
        case sexOrGender = "sex-or-gender"
        case age
        case other

        public static func < (lhs: Category, rhs: Category) -> Bool {
            (allCases.firstIndex(of: lhs) ?? 0) < (allCases.firstIndex(of: rhs) ?? 0)
        }
    }

    /// The message text; required and never empty.
    public var message: String
    /// The categories chosen, each once, in the order `Category.allCases` lists them; empty
    /// when none was.
    public var categories: [Category] {
        get { storedCategories }
        set { storedCategories = Array(Set(newValue)).sorted() }
    }
    private var storedCategories: [Category] = []
    /// Where it happened, in the person's words.
    public var location: String?
    /// When it happened, in the person's words.
    public var time: String?
    /// The language of the form the person used, as a BCP 47 tag (e.g. "en", "cy").
    public var formLanguage: String?
    /// The request to be contacted directly, if made.
    public var contact: ContactRequest?
    /// Values of the fields in `SubmissionField.all` that have no property of their own here,
    /// by record name: a field added to the table needs nothing else in this type.
    public var additional: [String: String] = [:]

    /// Whether this is a plain message or a contact request.
    public var kind: Kind { contact == nil ? .message : .contactRequest }

    /// Creates a submission.
    public init(
        message: String, categories: [Category] = [], location: String? = nil, time: String? = nil,
        formLanguage: String? = nil, contact: ContactRequest? = nil
    ) {
        self.message = message
        self.categories = categories
        self.location = location
        self.time = time
        self.formLanguage = formLanguage
        self.contact = contact
    }
}

/// A request to be contacted by the chair directly, without the police.
public struct ContactRequest: Sendable, Equatable {
    /// How the person wants to be reached.
    public enum Method: String, CaseIterable, Sendable {
        case email
        case phone
        case text
        case letter
    }

    /// What to call the person.
    public var name: String?
    /// How to reach them.
    public var method: Method
    /// The address or number.
    public var details: String
    /// Safe times to make contact.
    public var safeTimes: String?
    /// Whether a message may be left (nil when not said).
    public var mayLeaveMessage: Bool?
    /// Preferred language for contact.
    public var language: String?
    /// Anything to avoid, e.g. "do not mention the police".
    public var avoid: String?

    /// Creates a contact request.
    public init(
        name: String? = nil, method: Method, details: String, safeTimes: String? = nil,
        mayLeaveMessage: Bool? = nil, language: String? = nil, avoid: String? = nil
    ) {
        self.name = name
        self.method = method
        self.details = details
        self.safeTimes = safeTimes
        self.mayLeaveMessage = mayLeaveMessage
        self.language = language
        self.avoid = avoid
    }
}
