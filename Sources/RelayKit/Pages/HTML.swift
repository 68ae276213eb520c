/// Markup whose every interpolated value is escaped: `"<p>\(name)</p>" as HTML` cannot put a
/// person's text, a catalogue's words or a setting into the page as markup. Markup this program
/// wrote itself goes in as `HTML` values, or through `HTML.trusted`, the one greppable way round.
struct HTML: Sendable, Equatable, ExpressibleByStringInterpolation {
    /// The markup.
    let text: String

    init(stringLiteral literal: String) { text = literal }

    init(stringInterpolation: StringInterpolation) { text = stringInterpolation.text }

    private init(markup: String) { text = markup }

    /// Markup written by this program (asset tags, a built attribute list), taken as it is.
    static func trusted(_ markup: String) -> HTML { HTML(markup: markup) }

    /// Pieces one after another, with `separator` between them.
    static func joined(_ pieces: [HTML], separator: HTML = "") -> HTML {
        HTML(markup: pieces.map(\.text).joined(separator: separator.text))
    }

    static func + (lhs: HTML, rhs: HTML) -> HTML { HTML(markup: lhs.text + rhs.text) }

    struct StringInterpolation: StringInterpolationProtocol {
        var text = ""

        init(literalCapacity: Int, interpolationCount: Int) {
            text.reserveCapacity(literalCapacity + interpolationCount * 16)
        }

        mutating func appendLiteral(_ literal: String) { text += literal }
        /// Text: escaped.
        mutating func appendInterpolation(_ value: String) { text += escapeHTML(value) }
        /// Markup: as it is.
        mutating func appendInterpolation(_ markup: HTML) { text += markup.text }
        mutating func appendInterpolation(_ number: Int) { text += String(number) }
    }
}

/// Text made safe to place in HTML element content or a quoted attribute.
func escapeHTML(_ text: String) -> String {
    // Most text has nothing to escape; checking the UTF-8 bytes first keeps that path cheap.
    let special: Set<UInt8> = [0x26, 0x3C, 0x3E, 0x22, 0x27]
    guard text.utf8.contains(where: special.contains) else { return text }
    var bytes: [UInt8] = []
    bytes.reserveCapacity(text.utf8.count + 16)
    for byte in text.utf8 {
        switch byte {
        case 0x26: bytes += Array("&amp;".utf8)
        case 0x3C: bytes += Array("&lt;".utf8)
        case 0x3E: bytes += Array("&gt;".utf8)
        case 0x22: bytes += Array("&quot;".utf8)
        case 0x27: bytes += Array("&#39;".utf8)
        default: bytes.append(byte)
        }
    }
    return String(decoding: bytes, as: UTF8.self)
}

/// A page rendered once, around one slot filled per request (a token or a receipt code).
struct PageTemplate: Sendable {
    let before: String
    let after: String

    /// Renders `render` with a marker in the slot, and keeps the text on either side of it.
    init(render: (String) -> HTML) {
        let marker = "\u{1}SLOT\u{1}"
        let page = render(marker).text
        let parts = page.components(separatedBy: marker)
        before = parts.first ?? page
        after = parts.count > 1 ? parts[1] : ""
    }

    func filled(with value: String) -> HTML { .trusted(before + escapeHTML(value) + after) }
}

/// What every page shares: the catalogues with the host's words in them, the assets to link,
/// and the header and footer.
struct PageLayout: Sendable {
    /// The catalogues with each `{setting}` placeholder filled in: the host's words for the
    /// language (`group_name_cy`), else the catalogue's `default.setting`.
    let catalogues: Catalogues
    let assets: Assets
    /// Where Exit this page goes: a neutral site (`exit_url`).
    let exitURL: String

    /// `wording`: each per-language setting's values by language code, by the setting's key.
    init(catalogues: Catalogues, wording: [String: [String: String]], assets: Assets, exitURL: String) {
        self.catalogues = Catalogues(
            all: catalogues.all.map { catalogue in
                catalogue.filling(
                    wording.reduce(into: [:]) { values, setting in
                        let own = setting.value[catalogue.code] ?? ""
                        values[setting.key] = own.isEmpty ? catalogue.text("default.\(setting.key)") : own
                    })
            })
        self.assets = assets
        self.exitURL = exitURL
    }

    func groupName(_ catalogue: Catalogue) -> String { catalogue.text("{group_name}") }

    /// How a page offers its other languages.
    enum LanguageSwitch {
        /// Links to `path` in each other language.
        case links(to: String)
        /// On a page holding the person's text, where a link would lose it: buttons that post the
        /// form back to be shown again, text and all, in the other language (IntakeController).
        /// The sealing script removes them: with it, nothing typed goes to the relay unsealed.
        case keepingText
        /// None (the receipt: nothing to switch for).
        case none

        var isNone: Bool {
            if case .none = self { return true }
            return false
        }
    }

    /// The name of the button that asks for the form again in another language.
    static let switchLanguageField = "switch_language"

    /// A whole page. The title names the group after the page's own words, unless those already
    /// do (the form's "Write to …").
    func render(_ catalogue: Catalogue, title: String, body: HTML, languageSwitch: LanguageSwitch) -> HTML {
        let group = groupName(catalogue)
        let fullTitle = title.contains(group) ? title : "\(title) – \(capitalisedFirstLetter(group))"
        let footerLinks = InformationPages.Page.allCases.map { page -> HTML in
            "<li><a href=\"\(page.path)?lang=\(catalogue.code)\">\(catalogue.text("page.\(page.rawValue).title"))</a></li>"
        }
        let others = catalogues.all.filter { $0.code != catalogue.code }
        let choices = others.map { other -> HTML in
            switch languageSwitch {
            case .links(let path):
                "<a href=\"\(path)?lang=\(other.code)\" hreflang=\"\(other.code)\" lang=\"\(other.code)\">\(other.name)</a>"
            case .keepingText:
                "<button type=\"submit\" form=\"contact-form\" formaction=\"/submit?lang=\(other.code)\" name=\"\(Self.switchLanguageField)\" value=\"\(other.code)\" lang=\"\(other.code)\">\(other.name)</button>"
            case .none: ""
            }
        }
        let switcher: HTML =
            choices.isEmpty || languageSwitch.isNone
            ? "" : "<p class=\"language-switch\">\(HTML.joined(choices, separator: " "))</p>"
        return """
            <!DOCTYPE html>
            <html lang="\(catalogue.code)">
            <head>
            <meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <meta name="referrer" content="no-referrer">
            <title>\(fullTitle)</title>
            \(HTML.trusted(assets.stylesheetTag))
            \(HTML.trusted(assets.exitScriptTag))
            </head>
            <body>
            <a class="skip-link" href="#main">\(catalogue.text("skip"))</a>
            <div class="exit-this-page"><a href="\(exitURL)" id="exit-this-page" class="exit-button" role="button" rel="noreferrer">\(catalogue.text("exit.button"))<span class="visually-hidden"> \(catalogue.text("exit.shortcut"))</span></a></div>
            <header class="header"><div class="width">\(switcher)<p class="header-name">\(capitalisedFirstLetter(group))</p></div></header>
            <main id="main" class="width" tabindex="-1">
            \(body)
            </main>
            <footer class="footer"><div class="width">
            <nav aria-label="\(catalogue.text("footer.links"))"><ul class="footer-links">\(HTML.joined(footerLinks))</ul></nav>
            <p>\(catalogue.text("footer.privacy"))</p>
            </div></footer>
            </body>
            </html>
            """
    }
}

/// "the Group" → "The Group", for a name standing on its own.
func capitalisedFirstLetter(_ text: String) -> String {
    guard let first = text.first else { return text }
    return first.uppercased() + text.dropFirst()
}
