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
        add("Category:", submission.category.map(categoryName))
        add("Where:", submission.location)
        add("When:", submission.time)
        add("Form language:", submission.formLanguage)
        lines.append("")
        lines.append("Message")
        lines.append("-------")
        lines.append(safeForTerminal(submission.message))
        if let contact = submission.contact {
            lines.append("")
            lines.append("Please contact me directly")
            lines.append("--------------------------")
            add("Name:", contact.name)
            add("How:", methodName(contact.method))
            add("Details:", contact.details)
            add("Safe times:", contact.safeTimes)
            add("Leave a message:", contact.mayLeaveMessage.map { $0 ? "yes" : "no, do not leave a message" })
            add("Language:", contact.language)
            add("Avoid:", contact.avoid)
        }
        return lines.joined(separator: "\n") + "\n"
    }

    static func categoryName(_ category: Submission.Category) -> String {
        switch category {
        case .race: "race"
        case .religionOrBelief: "religion or belief"
        case .sexualOrientation: "sexual orientation"
        case .disability: "disability"
        case .transgenderIdentity: "transgender identity"
        case .other: "other"
        }
    }

    static func methodName(_ method: ContactRequest.Method) -> String {
        switch method {
        case .email: "email"
        case .phone: "phone call"
        case .text: "text message"
        case .letter: "letter"
        }
    }

    /// The text with control characters made harmless: a submission comes from anyone, and
    /// escape sequences in it could rewrite what the chair's terminal shows.
    static func safeForTerminal(_ text: String) -> String {
        var result = String.UnicodeScalarView()
        var previousWasCarriageReturn = false
        for scalar in text.unicodeScalars {
            defer { previousWasCarriageReturn = scalar == "\r" }
            switch scalar {
            case "\n":
                if !previousWasCarriageReturn { result.append(scalar) }
            case "\r":
                result.append("\n")
            case "\t":
                result.append(scalar)
            default:
                result.append(scalar.properties.generalCategory == .control ? "\u{FFFD}" : scalar)
            }
        }
        return String(result)
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
