/// The pages that are not the form: the receipt, and the ones that explain a problem.
struct NoticePages: Sendable {
    let layout: PageLayout

    /// How the message was protected, said honestly on the receipt.
    enum SealedBy {
        case server
        case browser
    }

    /// Shown only after the sealed submission is safely on disk.
    func receipt(_ catalogue: Catalogue, code: String, sealedBy: SealedBy) -> HTML {
        func t(_ key: String) -> String { catalogue.text(key) }
        return layout.render(
            catalogue, title: catalogue.text("receipt.title"),
            body: """
                <div class="panel">
                <h1>\(t("receipt.heading"))</h1>
                <p>\(t("receipt.code")) <strong class="receipt">\(code)</strong></p>
                </div>
                <p id="sealed-by">\(t(sealedBy == .browser ? "receipt.sealed_browser" : "receipt.sealed_server"))</p>
                <p>\(t("receipt.mention"))</p>
                <h2>\(t("receipt.next.heading"))</h2>
                <p>\(t("receipt.next.read"))</p>
                <p>\(t("receipt.next.contact"))</p>
                <p>\(t("receipt.next.other"))</p>
                <p><a href="/?lang=\(catalogue.code)">\(t("receipt.another"))</a></p>
                <img src="\(IntakeController.forgetPath)" alt="" hidden>
                """, languageSwitch: .none)
    }

    /// A request the form could not have sent, or that could not be accepted.
    func problem(_ catalogue: Catalogue, key: String, values: [String: String] = [:], goBack: Bool = true) -> HTML {
        func t(_ key: String) -> String { catalogue.text(key) }
        return layout.render(
            catalogue, title: catalogue.text("problem.\(key).title"),
            body: """
                <h1>\(t("problem.\(key).title"))</h1>
                <p>\(catalogue.text("problem.\(key).text", values))</p>
                \(goBack ? "<p>\(t("problem.not_sent")) \(t("problem.go_back"))</p>" as HTML : "")
                <p><a href="/?lang=\(catalogue.code)">\(t("link.form"))</a></p>
                """, languageSwitch: .links(to: "/"))
    }
}
