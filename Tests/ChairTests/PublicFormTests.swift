import Sodium
import Testing

@testable import ChairSync

/// The one reader of the relay's form page, as the canary and the audit both use it.
@Suite("Reading the relay's form page")
struct PublicFormTests {
    let key = Base64.encode(Array(repeating: 7, count: 32))
    let digest = Base64.encode(Array(repeating: 9, count: 32))

    @Test("a sealing form gives its action, token, language, keys, set and proof of work")
    func sealingForm() throws {
        let html = """
            <form id="contact-form" action="/submit?lang=cy" method="post" data-recipients="\(key) \(key)" \
            data-recipient-set="\(digest)" data-pow-bits="12"><input type="hidden" name="form_token" value="T0k">\
            <input type="hidden" name="form_language" value="cy"></form>
            """
        let form = try #require(PublicForm.read(html))
        #expect(form.action == "/submit?lang=cy" && form.token == "T0k" && form.language == "cy")
        let sealing = try #require(form.sealing)
        #expect(sealing.keys.count == 2 && sealing.setDigest == Array(repeating: 9, count: 32))
        #expect(sealing.proofOfWorkBits == 12)
    }

    @Test("a form that does not seal has no sealing; a page without the form is not one")
    func plainForm() throws {
        let form = try #require(PublicForm.read(#"<form id="contact-form" action="/submit" method="post"></form>"#))
        #expect(form.sealing == nil && form.token == nil)
        #expect(PublicForm.read(#"<form id="search" action="/find"></form>"#) == nil)
        let noDigest = try #require(
            PublicForm.read(#"<form id="contact-form" action="/submit" data-recipients="\#(key)"></form>"#))
        #expect(noDigest.sealing == nil)
    }
}
