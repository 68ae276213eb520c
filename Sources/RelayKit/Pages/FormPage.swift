import Envelope

/// The contact form, empty or shown again with the person's text and what to fix.
struct FormPage: Sendable {
    let layout: PageLayout
    /// Base64 X25519 keys the browser seals to, in the relay's recipient order.
    let recipientKeys: [String]
    /// Base64 of the recipients set's digest, which the browser puts in the record it seals.
    let recipientSetDigest: String
    let proofOfWorkBits: Int
    /// How long the script waits after the page opens before it posts: the relay takes a
    /// sooner post for a bot's.
    let minimumSecondsOnPage: Int

    /// What the page needs besides the form itself.
    struct Context {
        let catalogue: Catalogue
        let token: String
        /// A catalogue key for a problem with the whole form, if any.
        var noticeKey: String?
        var noticeValues: [String: String] = [:]
        /// Whether the person's text is on the page (then the language switch posts it back to be
        /// shown in the other language, rather than leading away from it).
        var holdsText = false
    }

    func render(_ form: SubmissionForm, _ context: Context) -> HTML {
        let catalogue = context.catalogue
        let hasErrors = !form.errors.isEmpty || context.noticeKey != nil
        let heading = catalogue.text("form.title")
        let title = (hasErrors ? catalogue.text("error.prefix") + " " : "") + heading
        let body = errorSummary(form, context) + intro(catalogue, heading: heading) + fields(form, context)
        return layout.render(
            catalogue, title: title, body: body, languageSwitch: context.holdsText ? .keepingText : .links(to: "/"))
    }

    private func intro(_ catalogue: Catalogue, heading: String) -> HTML {
        """
        <h1>\(heading)</h1>
        <div class="warning"><p><strong>\(catalogue.text("form.emergency.strong"))</strong> \
        \(catalogue.text("form.emergency.rest"))</p></div>
        <p>\(catalogue.text("form.who_reads"))</p>
        <p id="protection">\(catalogue.text("form.protection.server"))</p>
        <p>\(catalogue.text("form.no_time_limit"))</p>
        """
    }

    private func errorSummary(_ form: SubmissionForm, _ context: Context) -> HTML {
        let catalogue = context.catalogue
        guard !form.errors.isEmpty || context.noticeKey != nil else { return "" }
        var items = form.errors.map { error -> HTML in
            "<li><a href=\"#\(error.field.rawValue)\">\(error.message(catalogue))</a></li>"
        }
        if let key = context.noticeKey {
            items.insert("<li>\(catalogue.text(key, context.noticeValues))</li>", at: 0)
        }
        return """
            <div class="error-summary" role="alert" tabindex="-1" id="error-summary" autofocus>
            <h2>\(catalogue.text("errors.heading"))</h2>
            <ul>\(HTML.joined(items))</ul>
            <p>\(catalogue.text("errors.kept"))</p>
            </div>
            """
    }

    private func fields(_ form: SubmissionForm, _ context: Context) -> HTML {
        let catalogue = context.catalogue
        func t(_ key: String) -> String { catalogue.text(key) }
        let sealing: HTML =
            layout.assets.canSealInBrowser
            ? " data-recipients=\"\(recipientKeys.joined(separator: " "))\" data-recipient-set=\"\(recipientSetDigest)\" data-pow-bits=\"\(proofOfWorkBits)\" data-min-seconds=\"\(minimumSecondsOnPage)\""
            : ""
        return """
            <form method="post" action="/submit?lang=\(catalogue.code)" accept-charset="utf-8" novalidate autocomplete="off" id="contact-form"\(sealing)>
            <input type="hidden" name="form_language" value="\(catalogue.code)">
            <input type="hidden" name="form_token" value="\(context.token)">
            <div class="trap" aria-hidden="true"><label for="leave_empty">\(t("trap.label"))</label>
            <input type="text" id="leave_empty" name="leave_empty" value="" tabindex="-1" autocomplete="off"></div>
            \(controls(contact: false, form, catalogue))
            \(contactQuestion(form, catalogue))
            <p class="status" id="sealing-status" role="status" aria-live="polite"></p>
            <button type="submit" class="button">\(t("form.submit"))</button>
            </form>
            \(HTML.trusted(layout.assets.revealScriptTag))
            \(layout.assets.canSealInBrowser ? messagesForScript(catalogue) + .trusted(layout.assets.scriptTags) : "")
            """
    }

    /// The controls of the submission's fields, from the table, in its order: those of the
    /// message, or those of the contact request.
    private func controls(contact: Bool, _ form: SubmissionForm, _ catalogue: Catalogue) -> HTML {
        let controls = SubmissionField.all.filter { $0.isContactField == contact }.compactMap { field -> HTML? in
            guard let name = SubmissionForm.Field(rawValue: field.formName) else { return nil }
            func choices(_ prefix: String) -> [(String, String)] {
                field.tokens.map { ($0, catalogue.text("\(prefix).\($0)")) }
            }
            switch field.presentation {
            case .hidden: return nil
            case .line(let hint): return textInput(name, form, catalogue, hint: hint)
            case .box(let rows, let hint): return textArea(name, form, catalogue, rows: rows, hint: hint)
            case .list(let prefix):
                return select(
                    name, form, catalogue, options: [("", catalogue.text("\(prefix).none"))] + choices(prefix))
            case .radios(let prefix):
                // The contact details are asked for under each method, the input that method needs.
                let asksUnder = SubmissionField.all.contains { $0.presentation == .perAnswer(of: field.formName) }
                let revealed = Dictionary(
                    uniqueKeysWithValues: (asksUnder ? ContactDetailsInput.all : []).map {
                        ($0.method, detailsInput($0, form, catalogue))
                    })
                return radios(name, form, catalogue, options: choices(prefix), revealed: revealed)
            case .checkboxes(let prefix): return checkboxes(name, form, catalogue, options: choices(prefix))
            // Asked under each answer of its question; as one box only to show again what a form
            // served before those inputs existed sent.
            case .perAnswer:
                return form.values[name] == nil ? nil : textArea(name, form, catalogue, rows: 3, hint: false)
            }
        }
        return HTML.joined(controls, separator: "\n")
    }

    /// "Would you like to be contacted?", Yes or No, and under Yes the contact questions (GOV.UK's
    /// conditional reveal). Without the script they are always shown, under a line saying they
    /// are only for Yes; the script hides them until Yes is chosen.
    private func contactQuestion(_ form: SubmissionForm, _ catalogue: Catalogue) -> HTML {
        func t(_ key: String) -> String { catalogue.text(key) }
        let chosen = form.values[.wantsContact]
        let failed = form.errors.contains { $0.field == .wantsContact }
        return """
            <div class="form-group contact\(failed ? " form-group-error" : "")">
            <fieldset aria-describedby="wants_contact-hint\(failed ? " wants_contact-error" : "")">
            <legend>\(t("contact.legend"))</legend>
            <p class="hint" id="wants_contact-hint">\(t("contact.hint"))</p>
            \(errorLine(.wantsContact, form, catalogue))
            <div class="radio"><input type="radio" id="wants_contact" name="wants_contact" value="yes" data-aria-controls="contact-questions"\(chosen == "yes" ? " checked" : "")>
            <label for="wants_contact">\(t("contact.yes"))</label></div>
            <div class="conditional" id="contact-questions">
            <p class="conditional-note">\(t("contact.only_for_yes"))</p>
            \(controls(contact: true, form, catalogue))
            </div>
            <div class="radio"><input type="radio" id="wants_contact-no" name="wants_contact" value="no"\(chosen == "no" ? " checked" : "")>
            <label for="wants_contact-no">\(t("contact.no"))</label></div>
            </fieldset>
            </div>
            """
    }

    /// The words the sealing script needs, as data: the page's CSP runs no inline script.
    private func messagesForScript(_ catalogue: Catalogue) -> HTML {
        let keys =
            [
                "errors.heading", "errors.kept", "error.message_empty", "error.too_long", "error.method",
                "error.details_without_yes", "form.sealing", "error.prefix",
                "notice.record_too_long", "notice.connection_failed", "notice.not_accepted", "form.protection.browser",
            ] + SubmissionForm.Field.allCases.map { "name.\($0.rawValue)" }
            // A field's own words for a too-long value, where the language has them (FieldError.message).
            + SubmissionForm.Field.allCases.map { "error.too_long.\($0.rawValue)" }.filter(catalogue.has)
            + ContactDetailsInput.all.flatMap { [$0.missingErrorKey] + ($0.formatErrorKey.map { [$0] } ?? []) }
        // What to say for each reason a browser-sealed post can be refused, by that reason.
        let refusals = BrowserRefusal.allCases.map { ("refusal.\($0.rawValue)", catalogue.text($0.scriptMessageKey)) }
        let pairs = (keys.map { ($0, catalogue.text($0)) } + refusals).map { key, text in
            "\"\(key)\":\"\(escapeJSONInHTML(text))\""
        }
        // The words: JSON escaped for a script element by `escapeJSONInHTML`, not as HTML text.
        // The two tables are ours, with no `<`, `>` or `&` in them (the tests parse them).
        return .trusted(
            "<script type=\"application/json\" id=\"sealing-messages\">{\(pairs.joined(separator: ","))}</script>"
                + "<script type=\"application/json\" id=\"submission-fields\">\(SubmissionField.json)</script>"
                + "<script type=\"application/json\" id=\"contact-details-inputs\">"
                + "\(ContactDetailsInput.json)</script>")
    }

    private func escapeJSONInHTML(_ text: String) -> String {
        var result = ""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": result += "\\\""
            case "\\": result += "\\\\"
            case "<": result += "\\u003c"
            case ">": result += "\\u003e"
            case "&": result += "\\u0026"
            default:
                if scalar.value < 0x20 {
                    result += String(format: "\\u%04x", scalar.value)
                } else {
                    result.unicodeScalars.append(scalar)
                }
            }
        }
        return result
    }

    private func label(_ field: SubmissionForm.Field, _ catalogue: Catalogue) -> String {
        catalogue.text("field.\(field.rawValue).label")
    }

    private func errorLine(_ field: SubmissionForm.Field, _ form: SubmissionForm, _ catalogue: Catalogue) -> HTML {
        HTML.joined(
            form.errors.filter { $0.field == field }.map { error -> HTML in
                "<p class=\"error-message\" id=\"\(field.rawValue)-error\"><span class=\"visually-hidden\">\(catalogue.text("error.prefix"))</span> \(error.message(catalogue))</p>"
            })
    }

    private func describedBy(_ field: SubmissionForm.Field, hint: Bool, _ form: SubmissionForm) -> HTML {
        var ids: [String] = []
        if hint { ids.append("\(field.rawValue)-hint") }
        let failed = form.errors.contains { $0.field == field }
        if failed { ids.append("\(field.rawValue)-error") }
        let described: HTML = ids.isEmpty ? "" : " aria-describedby=\"\(ids.joined(separator: " "))\""
        return described + (failed ? " aria-invalid=\"true\"" : "")
    }

    private func group(_ field: SubmissionForm.Field, _ form: SubmissionForm, _ content: HTML) -> HTML {
        let failed = form.errors.contains { $0.field == field }
        return "<div class=\"form-group\(failed ? " form-group-error" : "")\">\(content)</div>"
    }

    private func hintLine(_ field: SubmissionForm.Field, _ catalogue: Catalogue, _ hint: Bool) -> HTML {
        hint
            ? "<p class=\"hint\" id=\"\(field.rawValue)-hint\">\(catalogue.text("field.\(field.rawValue).hint"))</p>"
            : ""
    }

    private func textArea(
        _ field: SubmissionForm.Field, _ form: SubmissionForm, _ catalogue: Catalogue, rows: Int, hint: Bool
    ) -> HTML {
        labelled(
            field, form, catalogue, hint: hint,
            control: """
                <textarea id="\(field.rawValue)" name="\(field.rawValue)" rows="\(rows)" autocomplete="off"\(describedBy(field, hint: hint, form))>\(form.values[field] ?? "")</textarea>
                """)
    }

    /// The details of one contact method, in the control it needs: an email or telephone input
    /// (no spelling checks, no autocompletion), or a box for a postal address.
    private func detailsInput(_ input: ContactDetailsInput, _ form: SubmissionForm, _ catalogue: Catalogue) -> HTML {
        let field = SubmissionForm.Field(input)
        let hint = catalogue.has("field.\(field.rawValue).hint")
        switch input.control {
        case .address: return textArea(field, form, catalogue, rows: 4, hint: hint)
        case .email, .telephone: return textInput(field, form, catalogue, hint: hint, type: input.control.rawValue)
        }
    }

    private func textInput(
        _ field: SubmissionForm.Field, _ form: SubmissionForm, _ catalogue: Catalogue, hint: Bool = false,
        type: String = "text"
    ) -> HTML {
        let unchecked: HTML = type == "text" ? "" : " spellcheck=\"false\""
        return labelled(
            field, form, catalogue, hint: hint,
            control: """
                <input type="\(type)"\(unchecked) id="\(field.rawValue)" name="\(field.rawValue)" value="\(form.values[field] ?? "")" autocomplete="off"\(describedBy(field, hint: hint, form))>
                """)
    }

    /// A text field's group: its label, hint and error above the control itself.
    private func labelled(
        _ field: SubmissionForm.Field, _ form: SubmissionForm, _ catalogue: Catalogue, hint: Bool, control: HTML
    ) -> HTML {
        group(
            field, form,
            """
            <label for="\(field.rawValue)">\(label(field, catalogue))</label>
            \(hintLine(field, catalogue, hint))
            \(errorLine(field, form, catalogue))
            \(control)
            """)
    }

    private func select(
        _ field: SubmissionForm.Field, _ form: SubmissionForm, _ catalogue: Catalogue, options: [(String, String)]
    ) -> HTML {
        let chosen = form.values[field] ?? ""
        let items = options.map { value, text -> HTML in
            "<option value=\"\(value)\"\(value == chosen ? " selected" : "")>\(text)</option>"
        }
        return group(
            field, form,
            """
            <label for="\(field.rawValue)">\(label(field, catalogue))</label>
            \(errorLine(field, form, catalogue))
            <select id="\(field.rawValue)" name="\(field.rawValue)"\(describedBy(field, hint: false, form))>\(HTML.joined(items))</select>
            """)
    }

    /// GOV.UK's checkboxes: a legend, "Select all that apply", one box each, posted under one
    /// name (the relay joins the ticked ones into the record's token list).
    private func checkboxes(
        _ field: SubmissionForm.Field, _ form: SubmissionForm, _ catalogue: Catalogue, options: [(String, String)]
    ) -> HTML {
        let ticked = Set((form.values[field] ?? "").split(separator: " ").map(String.init))
        let items = options.enumerated().map { index, option -> HTML in
            let id = index == 0 ? field.rawValue : "\(field.rawValue)-\(option.0)"
            return """
                <div class="checkbox"><input type="checkbox" id="\(id)" name="\(field.rawValue)" value="\(option.0)"\(ticked.contains(option.0) ? " checked" : "")>
                <label for="\(id)">\(option.1)</label></div>
                """
        }
        let failed = form.errors.contains { $0.field == field }
        let described: HTML = " aria-describedby=\"\(field.rawValue)-hint\(failed ? " \(field.rawValue)-error" : "")\""
        return group(
            field, form,
            """
            <fieldset\(described)><legend>\(catalogue.text("field.\(field.rawValue).legend"))</legend>
            \(hintLine(field, catalogue, true))\(errorLine(field, form, catalogue))\(HTML.joined(items))</fieldset>
            """)
    }

    /// GOV.UK's radios; `revealed` holds, by answer, what is shown under it once it is chosen
    /// (always, without the script: reveal.js hides the rest).
    private func radios(
        _ field: SubmissionForm.Field, _ form: SubmissionForm, _ catalogue: Catalogue, options: [(String, String)],
        revealed: [String: HTML] = [:]
    ) -> HTML {
        let chosen = form.values[field] ?? ""
        let items = options.enumerated().map { index, option -> HTML in
            let id = index == 0 ? field.rawValue : "\(field.rawValue)-\(option.0)"
            guard let block = revealed[option.0] else {
                return """
                    <div class="radio"><input type="radio" id="\(id)" name="\(field.rawValue)" value="\(option.0)"\(option.0 == chosen ? " checked" : "")>
                    <label for="\(id)">\(option.1)</label></div>
                    """
            }
            return """
                <div class="radio"><input type="radio" id="\(id)" name="\(field.rawValue)" value="\(option.0)" data-aria-controls="conditional-\(id)"\(option.0 == chosen ? " checked" : "")>
                <label for="\(id)">\(option.1)</label></div>
                <div class="conditional" id="conditional-\(id)">\(block)</div>
                """
        }
        let failed = form.errors.contains { $0.field == field }
        let described: HTML = failed ? " aria-describedby=\"\(field.rawValue)-error\"" : ""
        return group(
            field, form,
            """
            <fieldset\(described)><legend>\(catalogue.text("field.\(field.rawValue).legend"))</legend>\(errorLine(field, form, catalogue))\(HTML.joined(items))</fieldset>
            """)
    }
}
