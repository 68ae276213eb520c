import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

@testable import RelayKit

@Suite("What the pages tell a person: their language, the host's words, the footer's pages")
struct PublicWordingTests {
    @Test(
        "Accept-Language picks the language it ranks highest among ours, and a stranger's header cannot trap",
        arguments: [
            ("cy-GB, en;q=0.8", "cy"), ("en-GB,cy;q=0.9", "en"), ("fr, cy;q=0.1", "cy"), ("CY", "cy"),
            ("cy;q=0", nil), ("cy;q=2", nil), ("cy;q=abc", nil), ("cy;q=0.50000000000001", nil), ("*", nil),
            ("", nil), ("de, fr", nil), (String(repeating: "x-, ", count: 50_000) + "cy", nil),
            ("en;q=0.4, cy;q=0.5", "cy"), ("cy;q=0.5, en;q=0.5", "cy"),
        ] as [(String, String?)])
    func acceptLanguage(header: String, expected: String?) {
        #expect(Catalogues.preferred(acceptLanguage: header, among: ["en", "cy"]) == expected)
    }

    @Test("?lang= wins over Accept-Language, which wins over English; error pages follow it too")
    func languageOfThePage() async throws {
        let fixture = try RelayFixture()
        try await fixture.makeApplication().test(.router) { client in
            var welsh = HTTPFields()
            welsh[.acceptLanguage] = "cy-GB,cy;q=0.9,en;q=0.8"
            for (uri, lang) in [("/", "cy"), ("/?lang=en", "en"), ("/privacy", "cy"), ("/nope", "cy")] {
                let page = String(buffer: try await client.execute(uri: uri, method: .get, headers: welsh).body)
                #expect(page.contains("<html lang=\"\(lang)\">"), "\(uri)")
            }
            let english = String(buffer: try await client.execute(uri: "/", method: .get).body)
            #expect(english.contains("<html lang=\"en\">"))
        }
    }

    @Test("every page's footer links the three pages, which are served in both languages with the host's words")
    func footerPages() async throws {
        let fixture = try RelayFixture {
            $0.retentionPeriods = ["en": "eighteen months", "cy": "deunaw mis"]
            $0.privacyContacts = ["en": "privacy@example.org"]
        }
        try await fixture.makeApplication().test(.router) { client in
            for uri in ["/", "/?lang=cy", "/nope", "/privacy"] {
                let page = String(buffer: try await client.execute(uri: uri, method: .get).body)
                for path in ["/staying-safe", "/privacy", "/accessibility"] {
                    #expect(page.contains("<li><a href=\"\(path)?lang="), "\(uri) lacks \(path)")
                }
            }
            let privacy = String(buffer: try await client.execute(uri: "/privacy", method: .get).body)
            #expect(privacy.contains("for eighteen months") && privacy.contains("Write to privacy@example.org."))
            #expect(privacy.contains("<h2>Your rights</h2>") && privacy.contains("0303 123 1113"))
            #expect(!privacy.contains("{"), "a placeholder was left unfilled")
            let welsh = String(buffer: try await client.execute(uri: "/privacy?lang=cy", method: .get).body)
            #expect(welsh.contains("am deunaw mis") && welsh.contains("<title>Preifatrwydd – Y Grŵp"))
            for uri in ["/staying-safe", "/accessibility", "/staying-safe?lang=cy", "/accessibility?lang=cy"] {
                let response = try await client.execute(uri: uri, method: .get)
                #expect(response.status == .ok && String(buffer: response.body).contains("<h2>"), "\(uri)")
            }
        }
    }

    @Test("the receipt says what happens next, in the host's words; every title names the group once")
    func receiptAndTitles() async throws {
        let fixture = try RelayFixture {
            $0.responseTimes = ["en": "five working days"]
            $0.otherWays = ["en": "You can also phone the group's secretary on 029 2000 0000."]
        }
        try await fixture.makeApplication().test(.router) { client in
            let receipt = String(buffer: try await postForm(client, [("message", "hello")]).body)
            #expect(receipt.contains("<h2>What happens next</h2>"))
            #expect(receipt.contains("within five working days") && receipt.contains("029 2000 0000"))
            #expect(receipt.contains("<title>Message sent – The Independent Advisory Group on Hate Crime</title>"))
            let form = String(buffer: try await client.execute(uri: "/", method: .get).body)
            #expect(form.contains("<title>Write to the Independent Advisory Group on Hate Crime</title>"))
            let welshReceipt = String(
                buffer: try await postForm(client, [("message", "helo"), ("form_language", "cy")]).body)
            // Welsh has no response time set: its catalogue's default, not the English setting.
            #expect(welshReceipt.contains("o fewn pythefnos") && welshReceipt.contains("Cymorth i Ddioddefwyr"))
        }
    }

    @Test("Welsh says \"Rhaid i'ch neges\" for a long message, and puts other fields' names first, not mid-sentence")
    func welshFieldNames() async throws {
        let fixture = try RelayFixture()
        try await fixture.makeApplication().test(.router) { client in
            let page = String(
                buffer: try await postForm(
                    client,
                    [
                        ("message", String(repeating: "a", count: 15_001)),
                        ("where", String(repeating: "b", count: 1_001)),
                        ("form_language", "cy"),
                    ]
                ).body)
            #expect(page.contains("Rhaid i&#39;ch neges fod yn 15,000 o nodau neu lai. Mae&#39;n 15,001 nawr."))
            #expect(page.contains("Ble digwyddodd e: rhaid iddo fod yn 1,000 o nodau neu lai."))
            #expect(!page.contains("i Eich"))
        }
    }
}
