import ChairCore
import ChairStorage
import ChairSync
import Envelope

/// A submission laid out for a person to read in a terminal.
enum SubmissionText {
    /// The readable text of `submission`.
    static func render(_ submission: Submission) -> String {
        var lines: [String] = []
        func add(_ label: String, _ value: String?) {
            guard let value else { return }
            lines.append("\(label.padding(to: 18))\(indentContinuation(safeForTerminal(value), by: 18))")
        }
        add("Kind:", submission.kind.rawValue)
        for field in SubmissionField.all where !field.isContactField && field.tag != SubmissionField.message.tag {
            add(field.chairLabel, displayValue(of: field, in: submission))
        }
        lines.append("")
        lines.append("Message")
        lines.append("-------")
        lines.append(safeForTerminal(submission.message))
        if submission.contact != nil {
            lines.append("")
            lines.append("Please contact me directly")
            lines.append("--------------------------")
            for field in SubmissionField.all where field.isContactField {
                add(field.chairLabel, displayValue(of: field, in: submission))
            }
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// A field's value as the chair reads it: tokens in words, the rest as typed.
    static func displayValue(of field: SubmissionField, in submission: Submission) -> String? {
        guard let value = field.value(in: submission) else { return nil }
        switch field.tag {
        case SubmissionField.category.tag: return categoryNames(submission.categories)
        case SubmissionField.contactMethod.tag: return ContactRequest.Method(rawValue: value).map(methodName) ?? value
        case SubmissionField.contactVoicemail.tag: return value == "yes" ? "yes" : "no, do not leave a message"
        default: return value
        }
    }

    static func categoryName(_ category: Submission.Category) -> String {
        switch category {
        case .race: "race"
        case .religionOrBelief: "religion or belief"
        case .sexualOrientation: "sexual orientation"
        case .disability: "disability"
        case .transgenderIdentity: "transgender identity"
        case .sexOrGender: "sex or gender"
        case .age: "age"
        case .other: "other"
        }
    }

    /// "race, disability"; empty for none.
    static func categoryNames(_ categories: [Submission.Category]) -> String {
        categories.map(categoryName).joined(separator: ", ")
    }

    static func methodName(_ method: ContactRequest.Method) -> String {
        switch method {
        case .email: "email"
        case .phone: "phone call"
        case .text: "text message"
        case .letter: "letter"
        }
    }

    /// The text with control characters made harmless and invisible ones made visible: a
    /// submission comes from anyone, and escape sequences in it could rewrite what the chair's
    /// terminal shows, while a right-to-left override (U+202E), a zero-width character or a line
    /// separator could show contact details reversed, joined or hidden. Each of those is shown
    /// as `⟨U+XXXX⟩` instead; the stored record keeps the text exactly as sent.
    static func safeForTerminal(_ text: String) -> String {
        var result = String.UnicodeScalarView()
        var previousWasCarriageReturn = false
        var previous: Unicode.Scalar?
        var inTagSequence = false
        for scalar in text.unicodeScalars {
            defer {
                previousWasCarriageReturn = scalar == "\r"
                previous = scalar
            }
            switch scalar {
            case "\n":
                if !previousWasCarriageReturn { result.append(scalar) }
            case "\r":
                result.append("\n")
            case "\t":
                result.append(scalar)
            default:
                if scalar.properties.generalCategory == .control {
                    result.append("\u{FFFD}")
                } else if isInvisible(scalar, after: previous, inTagSequence: &inTagSequence) {
                    result.append(contentsOf: visibleName(of: scalar).unicodeScalars)
                } else {
                    result.append(scalar)
                }
            }
        }
        return String(result)
    }

    /// The same characters as `safeForTerminal` marks, escaped as `\uXXXX` in JSON text: the
    /// value a JSON reader gets is exactly what was sent, but nothing hides in the file.
    static func escapingInvisibles(inJSON json: String) -> String {
        var result = String.UnicodeScalarView()
        var previous: Unicode.Scalar?
        var inTagSequence = false
        for scalar in json.unicodeScalars {
            defer { previous = scalar }
            guard isInvisible(scalar, after: previous, inTagSequence: &inTagSequence) else {
                result.append(scalar)
                continue
            }
            // JSON escapes UTF-16 code units: a scalar beyond the BMP is a surrogate pair.
            for unit in String(scalar).utf16 {
                let digits = String(unit, radix: 16, uppercase: true)
                result.append(
                    contentsOf: ("\\u" + String(repeating: "0", count: 4 - digits.count) + digits).unicodeScalars)
            }
        }
        return String(result)
    }

    /// Format characters (bidirectional embeddings, overrides and isolates, zero-width spaces
    /// and joiners, the byte-order mark, invisible operators, tags) and line and paragraph
    /// separators. Two uses are kept because emoji need them: a zero-width joiner after an emoji,
    /// and the tag characters of a subdivision flag (Wales, Scotland, England) after U+1F3F4.
    static func isInvisible(_ scalar: Unicode.Scalar, after previous: Unicode.Scalar?, inTagSequence: inout Bool)
        -> Bool
    {
        let category = scalar.properties.generalCategory
        guard category == .format || category == .lineSeparator || category == .paragraphSeparator else {
            inTagSequence = false
            return false
        }
        if scalar == "\u{200D}", let previous, previous.properties.isEmoji { return false }
        if (0xE0020...0xE007F).contains(scalar.value) {
            if previous == "\u{1F3F4}" { inTagSequence = true }
            return !inTagSequence
        }
        inTagSequence = false
        return true
    }

    static func visibleName(of scalar: Unicode.Scalar) -> String {
        let digits = String(scalar.value, radix: 16, uppercase: true)
        return "⟨U+" + String(repeating: "0", count: max(0, 4 - digits.count)) + digits + "⟩"
    }

    private static func indentContinuation(_ text: String, by width: Int) -> String {
        text.split(separator: "\n", omittingEmptySubsequences: false)
            .joined(separator: "\n" + String(repeating: " ", count: width))
    }
}

extension String {
    /// The string padded with spaces on the right to `width` characters.
    func padding(to width: Int) -> String {
        count >= width ? self + " " : self + String(repeating: " ", count: width - count)
    }
}
