/// The pages every footer links to: staying safe online, the privacy notice and the
/// accessibility statement. Their words are the catalogue's `page.NAME.body`, with the host's
/// settings filled in: paragraphs between blank lines, a line starting `## ` a heading.
struct InformationPages: Sendable {
    /// Each page's path, which is also its catalogue name (`page.staying_safe.title`).
    enum Page: String, CaseIterable, Sendable {
        case stayingSafe = "staying_safe"
        case privacy = "privacy"
        case accessibility = "accessibility"

        var path: String { "/" + rawValue.replacingOccurrences(of: "_", with: "-") }
    }

    private let pages: [String: HTML]

    /// Every page in every language, rendered once: they hold nothing that changes.
    init(layout: PageLayout) {
        var pages: [String: HTML] = [:]
        for catalogue in layout.catalogues.all {
            for page in Page.allCases {
                pages[Self.key(page, catalogue)] = Self.render(page, catalogue, layout)
            }
        }
        self.pages = pages
    }

    func page(_ page: Page, _ catalogue: Catalogue) -> HTML { pages[Self.key(page, catalogue)] ?? "" }

    private static func key(_ page: Page, _ catalogue: Catalogue) -> String { "\(catalogue.code)\(page.path)" }

    private static func render(_ page: Page, _ catalogue: Catalogue, _ layout: PageLayout) -> HTML {
        let title = catalogue.text("page.\(page.rawValue).title")
        let blocks = catalogue.text("page.\(page.rawValue).body").components(separatedBy: "\n\n").map { block -> HTML in
            block.hasPrefix("## ") ? "<h2>\(String(block.dropFirst(3)))</h2>" : "<p>\(block)</p>"
        }
        return layout.render(
            catalogue, title: title,
            body: """
                <h1>\(title)</h1>
                \(HTML.joined(blocks, separator: "\n"))
                <p><a href="/?lang=\(catalogue.code)">\(catalogue.text("link.form"))</a></p>
                """, languageSwitch: .links(to: page.path))
    }
}
