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
    init(render: (String) -> String) {
        let marker = "\u{1}SLOT\u{1}"
        let page = render(marker)
        let parts = page.components(separatedBy: marker)
        before = parts.first ?? page
        after = parts.count > 1 ? parts[1] : ""
    }

    func filled(with value: String) -> String { before + value + after }
}

/// What every page shares: the group's name in each language, and the assets to link.
struct PageLayout: Sendable {
    let catalogues: Catalogues
    let groupNames: [String: String]
    let readerDescriptions: [String: String]
    let assets: Assets

    func groupName(_ catalogue: Catalogue) -> String {
        groupNames[catalogue.code] ?? catalogue.text("default.group_name")
    }

    func readerDescription(_ catalogue: Catalogue) -> String {
        readerDescriptions[catalogue.code] ?? catalogue.text("default.reader")
    }

    /// A whole page. `languageLinks` is false on pages holding the person's text, where
    /// leaving would lose it.
    func render(_ catalogue: Catalogue, title: String, body: String, languageLinks: Bool, path: String = "/") -> String
    {
        let others = catalogues.all.filter { $0.code != catalogue.code }
        let switcher =
            languageLinks && !others.isEmpty
            ? "<p class=\"language-switch\">"
                + others.map {
                    "<a href=\"\(path)?lang=\($0.code)\" hreflang=\"\($0.code)\" lang=\"\($0.code)\">\(escapeHTML($0.name))</a>"
                }.joined(separator: " ") + "</p>"
            : ""
        return """
            <!DOCTYPE html>
            <html lang="\(catalogue.code)">
            <head>
            <meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <meta name="referrer" content="no-referrer">
            <title>\(escapeHTML(title)) – \(escapeHTML(groupName(catalogue)))</title>
            \(assets.stylesheetTag)
            </head>
            <body>
            <a class="skip-link" href="#main">\(escapeHTML(catalogue.text("skip")))</a>
            <header class="header"><div class="width">\(switcher)<p class="header-name">\(escapeHTML(capitalisedFirstLetter(groupName(catalogue))))</p></div></header>
            <main id="main" class="width" tabindex="-1">
            \(body)
            </main>
            <footer class="footer"><div class="width"><p>\(escapeHTML(catalogue.text("footer.privacy")))</p></div></footer>
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
