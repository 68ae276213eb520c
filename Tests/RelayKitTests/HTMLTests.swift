import Foundation
import Testing

@testable import RelayKit

/// Pages are built from `HTML` values: interpolated text is escaped unless it is markup itself,
/// and raw markup enters only through `HTML.trusted`, in the few places listed here.
@Suite("Escaping by construction")
struct HTMLTests {
    @Test("interpolated text is escaped, markup is not, numbers are written as they are")
    func interpolation() {
        let typed = "<script>alert('x') & \"y\"</script>"
        let inner: HTML = "<em>\(typed)</em>"
        let page: HTML = "<p title=\"\(typed)\">\(inner) \(3)</p>"
        #expect(
            page.text
                == "<p title=\"&lt;script&gt;alert(&#39;x&#39;) &amp; &quot;y&quot;&lt;/script&gt;\"><em>&lt;script&gt;alert(&#39;x&#39;) &amp; &quot;y&quot;&lt;/script&gt;</em> 3</p>"
        )
    }

    @Test("raw markup enters the pages only where this test lists it")
    func trustedMarkupIsListed() throws {
        let pages = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("../../Sources/RelayKit/Pages").standardized
        var uses: [String] = []
        for name in try FileManager.default.contentsOfDirectory(atPath: pages.path).sorted() {
            let text = try String(contentsOf: pages.appendingPathComponent(name), encoding: .utf8)
            let count = text.components(separatedBy: ".trusted(").count - 1
            if count > 0 { uses.append("\(name): \(count)") }
        }
        // FormPage: the script tags (assets: the reveal's, the sealing's) and the script's JSON data
        // (escaped for a script element); HTML.swift: the stylesheet and Exit this page's script tags, and a filled
        // template (its value is escaped).
        #expect(uses == ["FormPage.swift: 3", "HTML.swift: 3"])
    }
}
