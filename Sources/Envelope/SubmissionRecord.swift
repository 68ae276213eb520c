import Sodium

/// The canonical encoding of a `Submission` (docs/FORMAT.md section 3).
public enum SubmissionRecord {
    /// The record version this library writes and reads.
    public static let version: UInt8 = 0x01

    /// Field tags of record version 1.
    enum Tag: UInt8, CaseIterable {
        case message = 0x01
        case category = 0x02
        case location = 0x03
        case time = 0x04
        case formLanguage = 0x05
        case contactName = 0x20
        case contactMethod = 0x21
        case contactDetails = 0x22
        case contactTimes = 0x23
        case contactVoicemail = 0x24
        case contactLanguage = 0x25
        case contactAvoid = 0x26

        var name: String {
            switch self {
            case .message: "message"
            case .category: "category"
            case .location: "where"
            case .time: "when"
            case .formLanguage: "form-language"
            case .contactName: "contact-name"
            case .contactMethod: "contact-method"
            case .contactDetails: "contact-details"
            case .contactTimes: "contact-times"
            case .contactVoicemail: "contact-voicemail"
            case .contactLanguage: "contact-language"
            case .contactAvoid: "contact-avoid"
            }
        }

        var isContactField: Bool { (0x20...0x2F).contains(rawValue) }
    }

    /// Tags from here up are optional extensions that a reader skips.
    static let firstExtensionTag: UInt8 = 0x80
    /// The registered extension naming the recipients set the envelope was sealed to (section 10).
    static let recipientSetTag: UInt8 = 0x90
    /// The registered extension that marks a reader's delivery canary (section 11).
    static let canaryTag: UInt8 = 0x91
    /// Length of a canary's identifier.
    public static let canaryLength = 16

    /// Encodes `submission` canonically into a secret buffer; with `recipientSet`, the digest of
    /// the set it is about to be sealed to goes in as field 0x90.
    public static func encode(_ submission: Submission, recipientSet: [UInt8]? = nil, canary: [UInt8]? = nil)
        throws(SealingError) -> SecretBytes
    {
        var fields: [(Tag, String)] = [(.message, submission.message)]
        if let category = submission.category { fields.append((.category, category.rawValue)) }
        if let location = submission.location { fields.append((.location, location)) }
        if let time = submission.time { fields.append((.time, time)) }
        if let language = submission.formLanguage {
            guard isValidLanguageTag(Array(language.utf8)) else { throw .invalidFormLanguage }
            fields.append((.formLanguage, language))
        }
        if let contact = submission.contact {
            if let name = contact.name { fields.append((.contactName, name)) }
            fields.append((.contactMethod, contact.method.rawValue))
            fields.append((.contactDetails, contact.details))
            if let times = contact.safeTimes { fields.append((.contactTimes, times)) }
            if let voicemail = contact.mayLeaveMessage {
                fields.append((.contactVoicemail, voicemail ? "yes" : "no"))
            }
            if let language = contact.language { fields.append((.contactLanguage, language)) }
            if let avoid = contact.avoid { fields.append((.contactAvoid, avoid)) }
        }
        var length = 1
        for (tag, value) in fields {
            let valueLength = value.utf8.count
            guard valueLength > 0 else { throw .emptyField(tag.name) }
            guard valueLength <= Int(UInt16.max) else { throw .tooLong(recordLength: valueLength) }
            length += 3 + valueLength
        }
        if let recipientSet {
            precondition(recipientSet.count == RecipientSet.digestLength, "a recipient set digest is 32 bytes")
            length += 3 + recipientSet.count
        }
        if let canary {
            precondition(canary.count == canaryLength, "a canary's identifier is 16 bytes")
            length += 3 + canary.count
        }
        guard length <= SizeClass.large.maximumRecordLength else { throw .tooLong(recordLength: length) }
        return SecretBytes(count: length) { (output: UnsafeMutableRawBufferPointer) in
            output[0] = version
            var offset = 1
            for (tag, value) in fields {
                var text = value
                text.withUTF8 { utf8 in
                    output[offset] = tag.rawValue
                    output[offset + 1] = UInt8(utf8.count >> 8)
                    output[offset + 2] = UInt8(utf8.count & 0xFF)
                    offset += 3
                    UnsafeMutableRawBufferPointer(rebasing: output[offset..<(offset + utf8.count)])
                        .copyMemory(from: UnsafeRawBufferPointer(utf8))
                    offset += utf8.count
                }
            }
            if let recipientSet {
                output[offset] = recipientSetTag
                output[offset + 1] = 0
                output[offset + 2] = UInt8(recipientSet.count)
                UnsafeMutableRawBufferPointer(rebasing: output[(offset + 3)...]).copyBytes(from: recipientSet)
                offset += 3 + recipientSet.count
            }
            if let canary {
                output[offset] = canaryTag
                output[offset + 1] = 0
                output[offset + 2] = UInt8(canary.count)
                UnsafeMutableRawBufferPointer(rebasing: output[(offset + 3)...]).copyBytes(from: canary)
            }
        }
    }

    /// Decodes a record, applying every rejection rule of section 3.2.
    public static func decode(_ record: SecretBytes) throws(EnvelopeError) -> Submission {
        let fields = record.withUnsafeBytes { parseFields($0) }
        return try makeSubmission(from: fields.get().texts)
    }

    /// The digest of the recipients set a record names (field 0x90), or nil when it names none.
    /// Fails as `decode` does on a record that breaks a rule.
    public static func recipientSet(in record: SecretBytes) throws(EnvelopeError) -> [UInt8]? {
        try record.withUnsafeBytes { parseFields($0) }.get().recipientSet
    }

    /// The identifier of the delivery canary a record is (field 0x91), or nil for a person's
    /// message. Fails as `decode` does on a record that breaks a rule.
    public static func canary(in record: SecretBytes) throws(EnvelopeError) -> [UInt8]? {
        try record.withUnsafeBytes { parseFields($0) }.get().canary
    }

    /// A record's known text fields, and the registered extensions it carries.
    private struct Fields {
        var texts: [Tag: String] = [:]
        var recipientSet: [UInt8]?
        var canary: [UInt8]?
    }

    /// Splits a record into its known text fields, skipping unregistered extensions.
    private static func parseFields(_ bytes: UnsafeRawBufferPointer) -> Result<Fields, EnvelopeError> {
        guard let first = bytes.first else { return .failure(.recordFailure("the record is empty")) }
        guard first == version else { return .failure(.unsupportedRecordVersion(first)) }
        var fields = Fields()
        var offset = 1
        var previousTag: UInt8?
        while offset < bytes.count {
            guard bytes.count - offset >= 3 else { return .failure(.recordFailure("a field header is cut short")) }
            let rawTag = bytes[offset]
            let length = Int(bytes[offset + 1]) << 8 | Int(bytes[offset + 2])
            offset += 3
            guard bytes.count - offset >= length else { return .failure(.recordFailure("a field value is cut short")) }
            if let previousTag, rawTag <= previousTag {
                return .failure(.recordFailure("fields are out of order or repeated"))
            }
            previousTag = rawTag
            guard length > 0 else { return .failure(.recordFailure("a field is empty")) }
            let value = UnsafeRawBufferPointer(rebasing: bytes[offset..<(offset + length)])
            offset += length
            if rawTag == recipientSetTag {
                guard length == RecipientSet.digestLength else {
                    return .failure(.recordFailure("the recipient-set field is not 32 bytes"))
                }
                fields.recipientSet = Array(value)
                continue
            }
            if rawTag == canaryTag {
                guard length == canaryLength else {
                    return .failure(.recordFailure("the canary field is not 16 bytes"))
                }
                fields.canary = Array(value)
                continue
            }
            if rawTag >= firstExtensionTag { continue }
            guard let tag = Tag(rawValue: rawTag) else {
                return .failure(.recordFailure("unknown field 0x\(String(rawTag, radix: 16))"))
            }
            guard let text = String(validating: value, as: UTF8.self) else {
                return .failure(.recordFailure("the \(tag.name) field is not valid UTF-8"))
            }
            fields.texts[tag] = text
        }
        return .success(fields)
    }

    private static func makeSubmission(from values: [Tag: String]) throws(EnvelopeError) -> Submission {
        guard let message = values[.message] else { throw .recordFailure("the message field is missing") }
        var submission = Submission(message: message)
        if let raw = values[.category] {
            guard let category = Submission.Category(rawValue: raw) else {
                throw .recordFailure("the category is not one of the listed tokens")
            }
            submission.category = category
        }
        submission.location = values[.location]
        submission.time = values[.time]
        if let language = values[.formLanguage] {
            guard isValidLanguageTag(Array(language.utf8)) else {
                throw .recordFailure("the form-language is not a language tag")
            }
            submission.formLanguage = language
        }
        guard values.keys.contains(where: \.isContactField) else { return submission }
        guard let rawMethod = values[.contactMethod], let details = values[.contactDetails] else {
            throw .recordFailure("a contact request lacks its contact method or details")
        }
        guard let method = ContactRequest.Method(rawValue: rawMethod) else {
            throw .recordFailure("the contact method is not one of the listed tokens")
        }
        var contact = ContactRequest(method: method, details: details)
        contact.name = values[.contactName]
        contact.safeTimes = values[.contactTimes]
        switch values[.contactVoicemail] {
        case nil: break
        case "yes": contact.mayLeaveMessage = true
        case "no": contact.mayLeaveMessage = false
        default: throw .recordFailure("contact-voicemail is neither yes nor no")
        }
        contact.language = values[.contactLanguage]
        contact.avoid = values[.contactAvoid]
        submission.contact = contact
        return submission
    }

    static func isValidLanguageTag(_ bytes: [UInt8]) -> Bool {
        (2...35).contains(bytes.count)
            && bytes.allSatisfy { byte in
                (0x41...0x5A).contains(byte) || (0x61...0x7A).contains(byte) || (0x30...0x39).contains(byte)
                    || byte == 0x2D
            }
    }
}
