import Sodium

/// The canonical encoding of a `Submission` (docs/FORMAT.md section 3).
public enum SubmissionRecord {
    /// The record version this library writes and reads.
    public static let version: UInt8 = 0x01

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
        var fields: [(SubmissionField, String)] = []
        for field in SubmissionField.all {
            guard let value = field.value(in: submission), !field.isContactField || submission.contact != nil else {
                continue
            }
            // Only a form language can be wrong here: every other kind is typed in `Submission`.
            guard field.accepts(value) else { throw .invalidFormLanguage }
            fields.append((field, value))
        }
        var length = 1
        for (field, value) in fields {
            let valueLength = value.utf8.count
            guard valueLength > 0 else { throw .emptyField(field.recordName) }
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
            for (field, value) in fields {
                var text = value
                text.withUTF8 { utf8 in
                    output[offset] = field.tag
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
        /// Text values by tag.
        var texts: [UInt8: String] = [:]
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
            guard let field = SubmissionField.byTag[rawTag] else {
                return .failure(.recordFailure("unknown field 0x\(String(rawTag, radix: 16))"))
            }
            guard let text = String(validating: value, as: UTF8.self) else {
                return .failure(.recordFailure("the \(field.recordName) field is not valid UTF-8"))
            }
            fields.texts[rawTag] = text
        }
        return .success(fields)
    }

    private static func makeSubmission(from values: [UInt8: String]) throws(EnvelopeError) -> Submission {
        guard let message = values[SubmissionField.message.tag] else {
            throw .recordFailure("the message field is missing")
        }
        var submission = Submission(message: message)
        if values.keys.contains(where: { SubmissionField.byTag[$0]?.isContactField == true }) {
            let rawMethod = values[SubmissionField.contactMethod.tag]
            guard let method = rawMethod.flatMap(ContactRequest.Method.init(rawValue:)),
                let details = values[SubmissionField.contactDetails.tag]
            else {
                throw .recordFailure(
                    rawMethod == nil || values[SubmissionField.contactDetails.tag] == nil
                        ? "a contact request lacks its contact method or details"
                        : "the contact-method is not one of the listed tokens")
            }
            submission.contact = ContactRequest(method: method, details: details)
        }
        for field in SubmissionField.all {
            guard let value = values[field.tag] else { continue }
            guard field.accepts(value) else {
                switch field.kind {
                case .token: throw .recordFailure("the \(field.recordName) is not one of the listed tokens")
                case .tokenList:
                    throw .recordFailure(
                        "the \(field.recordName) is not listed tokens, each once, in order, separated by single spaces")
                case .yesNo: throw .recordFailure("\(field.recordName) is neither yes nor no")
                case .languageTag, .text: throw .recordFailure("the \(field.recordName) is not a language tag")
                }
            }
            field.write(value, into: &submission)
        }
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
