/// The pages served most, rendered once at start-up: the empty form and the two receipts, in
/// every language. Each request only fills in its token or receipt code.
struct PageTemplates: Sendable {
    private let forms: [String: PageTemplate]
    private let receipts: [String: PageTemplate]

    init(formPage: FormPage, notices: NoticePages) {
        var forms: [String: PageTemplate] = [:]
        var receipts: [String: PageTemplate] = [:]
        for catalogue in formPage.layout.catalogues.all {
            forms[catalogue.code] = PageTemplate { slot in
                formPage.render(SubmissionForm(), .init(catalogue: catalogue, token: slot))
            }
            for sealedBy in [NoticePages.SealedBy.server, .browser] {
                receipts[Self.key(catalogue, sealedBy)] = PageTemplate { slot in
                    notices.receipt(catalogue, code: slot, sealedBy: sealedBy)
                }
            }
        }
        self.forms = forms
        self.receipts = receipts
    }

    /// The empty form in `catalogue`'s language with a fresh `token`.
    func form(_ catalogue: Catalogue, token: String) -> HTML {
        forms[catalogue.code]?.filled(with: token) ?? ""
    }

    /// The receipt in `catalogue`'s language for receipt `code`.
    func receipt(_ catalogue: Catalogue, code: String, sealedBy: NoticePages.SealedBy) -> HTML {
        receipts[Self.key(catalogue, sealedBy)]?.filled(with: code) ?? ""
    }

    private static func key(_ catalogue: Catalogue, _ sealedBy: NoticePages.SealedBy) -> String {
        "\(catalogue.code)/\(sealedBy == .browser ? "browser" : "server")"
    }
}
