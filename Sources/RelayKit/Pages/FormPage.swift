import Envelope

/// The contact form, empty or shown again with the person's text and what to fix.
struct FormPage: Sendable {
    let layout: PageLayout
    let readerDescription: String

    func render(_ form: SubmissionForm, notice: String? = nil) -> String {
        let hasErrors = !form.errors.isEmpty || notice != nil
        let title = (hasErrors ? "Error: " : "") + "Write to \(layout.groupName)"
        return layout.render(title: title, body: errorSummary(form, notice: notice) + intro + fields(form))
    }

    private var intro: String {
        """
        <h1>Write to \(escapeHTML(layout.groupName))</h1>
        <div class="warning"><p><strong>This is not for emergencies.</strong> If you are in danger now, call 999. \
        To report a crime, call 101.</p></div>
        <p>Your message is read only by \(escapeHTML(readerDescription)). The group cannot act on individual \
        cases, but it wants to hear how the police and others respond to hate crime.</p>
        <p>The police host this page, but your message is locked (encrypted) in a way that only the group can \
        open. The police cannot read it, and cannot see whether you asked to be contacted.</p>
        """
    }

    private func errorSummary(_ form: SubmissionForm, notice: String?) -> String {
        guard !form.errors.isEmpty || notice != nil else { return "" }
        var items = form.errors.map { error in
            "<li><a href=\"#\(error.field.rawValue)\">\(escapeHTML(error.message))</a></li>"
        }
        if let notice { items.insert("<li>\(escapeHTML(notice))</li>", at: 0) }
        return """
            <div class="error-summary" role="alert" tabindex="-1">
            <h2>There is a problem</h2>
            <ul>\(items.joined())</ul>
            <p>Everything you wrote is still in the form below.</p>
            </div>
            """
    }

    private func fields(_ form: SubmissionForm) -> String {
        let categories: [(String, String)] = [
            ("", "Choose one (optional)"), ("race", "Race"), ("religion-or-belief", "Religion or belief"),
            ("sexual-orientation", "Sexual orientation"), ("disability", "Disability"),
            ("transgender-identity", "Transgender identity"), ("other", "Something else"),
        ]
        let methods: [(String, String)] = [
            ("email", "Email"), ("phone", "Phone call"), ("text", "Text message"), ("letter", "Letter"),
        ]
        return """
            <form method="post" action="/submit" accept-charset="utf-8" novalidate>
            <input type="hidden" name="form_language" value="en">
            \(textArea(.message, label: "Your message", hint: "Tell us what happened, or what you think about how hate crime is handled. Up to 15,000 characters.", form: form, rows: 10))
            \(select(.category, label: "What kind of hate crime or incident was it? (optional)", options: categories, form: form))
            \(textInput(.location, label: "Where did it happen? (optional)", hint: nil, form: form))
            \(textInput(.time, label: "When did it happen? (optional)", hint: nil, form: form))
            <fieldset class="contact">
            <legend>Would you like the group to contact you directly?</legend>
            <p class="hint">Only the group will see this, not the police. Leave it unticked if you do not want to be contacted.</p>
            \(errorLine(.wantsContact, form))
            <div class="checkbox"><input type="checkbox" id="wants_contact" name="wants_contact" value="yes"\(form.wantsContact ? " checked" : "")>
            <label for="wants_contact">Please contact me directly, without the police</label></div>
            \(textInput(.contactName, label: "What should we call you? (optional)", hint: nil, form: form))
            \(radios(.contactMethod, legend: "How should we contact you?", options: methods, form: form))
            \(textArea(.contactDetails, label: "Your email address, phone number or postal address", hint: nil, form: form, rows: 3))
            \(textInput(.contactTimes, label: "When is it safe to contact you? (optional)", hint: "For example: weekdays after 6pm", form: form))
            \(radios(.contactVoicemail, legend: "Can we leave a message? (optional)", options: [("yes", "Yes"), ("no", "No, do not leave a message")], form: form))
            \(textInput(.contactLanguage, label: "Which language would you like us to use? (optional)", hint: nil, form: form))
            \(textArea(.contactAvoid, label: "Is there anything we should avoid? (optional)", hint: "For example: do not mention the police if someone else answers", form: form, rows: 2))
            </fieldset>
            <button type="submit" class="button">Send your message</button>
            </form>
            """
    }

    private func errorLine(_ field: SubmissionForm.Field, _ form: SubmissionForm) -> String {
        form.errors.filter { $0.field == field }
            .map {
                "<p class=\"error-message\" id=\"\(field.rawValue)-error\"><span class=\"visually-hidden\">Error:</span> \(escapeHTML($0.message))</p>"
            }
            .joined()
    }

    private func describedBy(_ field: SubmissionForm.Field, hint: Bool, _ form: SubmissionForm) -> String {
        var ids: [String] = []
        if hint { ids.append("\(field.rawValue)-hint") }
        if form.errors.contains(where: { $0.field == field }) { ids.append("\(field.rawValue)-error") }
        return ids.isEmpty ? "" : " aria-describedby=\"\(ids.joined(separator: " "))\""
    }

    private func group(_ field: SubmissionForm.Field, _ form: SubmissionForm, _ content: String) -> String {
        let failed = form.errors.contains { $0.field == field }
        return "<div class=\"form-group\(failed ? " form-group-error" : "")\">\(content)</div>"
    }

    private func textArea(_ field: SubmissionForm.Field, label: String, hint: String?, form: SubmissionForm, rows: Int)
        -> String
    {
        group(
            field, form,
            """
            <label for="\(field.rawValue)">\(escapeHTML(label))</label>
            \(hint.map { "<p class=\"hint\" id=\"\(field.rawValue)-hint\">\(escapeHTML($0))</p>" } ?? "")
            \(errorLine(field, form))
            <textarea id="\(field.rawValue)" name="\(field.rawValue)" rows="\(rows)"\(describedBy(field, hint: hint != nil, form))>\(escapeHTML(form.values[field] ?? ""))</textarea>
            """)
    }

    private func textInput(_ field: SubmissionForm.Field, label: String, hint: String?, form: SubmissionForm) -> String
    {
        group(
            field, form,
            """
            <label for="\(field.rawValue)">\(escapeHTML(label))</label>
            \(hint.map { "<p class=\"hint\" id=\"\(field.rawValue)-hint\">\(escapeHTML($0))</p>" } ?? "")
            \(errorLine(field, form))
            <input type="text" id="\(field.rawValue)" name="\(field.rawValue)" value="\(escapeHTML(form.values[field] ?? ""))"\(describedBy(field, hint: hint != nil, form))>
            """)
    }

    private func select(_ field: SubmissionForm.Field, label: String, options: [(String, String)], form: SubmissionForm)
        -> String
    {
        let chosen = form.values[field] ?? ""
        let items = options.map { value, text in
            "<option value=\"\(value)\"\(value == chosen ? " selected" : "")>\(escapeHTML(text))</option>"
        }
        return group(
            field, form,
            """
            <label for="\(field.rawValue)">\(escapeHTML(label))</label>
            \(errorLine(field, form))
            <select id="\(field.rawValue)" name="\(field.rawValue)"\(describedBy(field, hint: false, form))>\(items.joined())</select>
            """)
    }

    private func radios(
        _ field: SubmissionForm.Field, legend: String, options: [(String, String)], form: SubmissionForm
    ) -> String {
        let chosen = form.values[field] ?? ""
        let items = options.enumerated().map { index, option in
            let id = index == 0 ? field.rawValue : "\(field.rawValue)-\(option.0)"
            return """
                <div class="radio"><input type="radio" id="\(id)" name="\(field.rawValue)" value="\(option.0)"\(option.0 == chosen ? " checked" : "")>
                <label for="\(id)">\(escapeHTML(option.1))</label></div>
                """
        }
        return group(
            field, form,
            """
            <fieldset><legend>\(escapeHTML(legend))</legend>\(errorLine(field, form))\(items.joined())</fieldset>
            """)
    }
}
