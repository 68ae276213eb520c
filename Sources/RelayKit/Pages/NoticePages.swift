/// The pages that are not the form: the receipt, and the ones that explain a problem.
struct NoticePages: Sendable {
    let layout: PageLayout

    /// Shown only after the sealed submission is safely on disk.
    func receipt(code: String) -> String {
        layout.render(
            title: "Message sent",
            body: """
                <div class="panel">
                <h1>Your message has been sent</h1>
                <p>Your receipt code is <strong class="receipt">\(escapeHTML(code))</strong></p>
                </div>
                <p>Your message was locked before it was stored. Only the group can open it; the police cannot read it.</p>
                <p>If you write to the group again about the same thing, you can mention this code. You do not need to keep it.</p>
                <p><a href="/">Write another message</a></p>
                """)
    }

    /// A request the form could not have sent (wrong content type, malformed body, too large).
    func problem(title: String, explanation: String) -> String {
        layout.render(
            title: title,
            body: """
                <h1>\(escapeHTML(title))</h1>
                <p>\(escapeHTML(explanation))</p>
                <p>Your message has not been sent. If you still have it, you can <a href="/">go back to the form</a>: \
                use your browser’s back button to keep what you wrote.</p>
                """)
    }
}
