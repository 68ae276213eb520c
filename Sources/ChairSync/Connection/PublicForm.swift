import Sodium

/// The relay's public form as its page offers it to a browser: the one reader of that page, for
/// the canary (which posts through it as a person's browser would) and the audit (which checks
/// it against the release and the group's sets).
package struct PublicForm: Equatable {
    /// The form's `action`, as the page writes it.
    package let action: String
    /// The page's form token and language, when it has them.
    package let token: String?
    package let language: String?
    /// What a browser needs to seal; nil when the page does not seal in the browser.
    package let sealing: Sealing?

    /// The keys and set a browser seals to, and the proof of work it must do.
    package struct Sealing: Equatable {
        package let keys: [[UInt8]]
        let setDigest: [UInt8]
        let proofOfWorkBits: Int?
    }

    /// The contact form on `html`, or nil when the page has none.
    package static func read(_ html: String) -> PublicForm? {
        guard let form = html.firstMatch(of: /<form[^>]*id="contact-form"[^>]*>/).map({ String($0.0) }) else {
            return nil
        }
        func attribute(_ pattern: Regex<(Substring, Substring)>, in text: String) -> String? {
            text.firstMatch(of: pattern).map { String($0.1) }
        }
        var sealing: Sealing?
        if let keyText = attribute(/data-recipients="([^"]*)"/, in: form),
            let digest = attribute(/data-recipient-set="([^"]*)"/, in: form).flatMap(Base64.decode)
        {
            sealing = Sealing(
                keys: keyText.split(separator: " ").compactMap { Base64.decode(String($0)) }, setDigest: digest,
                proofOfWorkBits: attribute(/data-pow-bits="(\d{1,3})"/, in: form).flatMap { Int($0) })
        }
        return PublicForm(
            action: attribute(/action="([^"]*)"/, in: form) ?? "",
            token: attribute(/name="form_token" value="([^"]+)"/, in: html),
            language: attribute(/name="form_language" value="([^"]+)"/, in: html), sealing: sealing)
    }
}
