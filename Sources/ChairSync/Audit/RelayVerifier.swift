import ChairCore
import ChairStorage
import Envelope
import Foundation
import RelayProtocol
import Sodium

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// `chair verify-relay`: what the host serves the public, checked against this chair's release
/// and the group's signed recipients set. Every difference is collected and named; none is
/// fatal on its own, so the chair sees the whole picture at once.
package struct RelayVerifier {
    package let relayAddress: String
    package let base: URL
    /// From the release this chair came in: served path → SHA-256 (hex).
    package let released: [String: String]
    /// The sets the group's chair signed, as the chair's pull trusts them.
    package let group: GroupRecipients
    /// This chair's own encryption key, which every envelope must be sealed to.
    package let ownKey: [UInt8]

    package init(relayAddress: String, base: URL, released: [String: String], group: GroupRecipients, ownKey: [UInt8]) {
        self.relayAddress = relayAddress
        self.base = base
        self.released = released
        self.group = group
        self.ownKey = ownKey
    }

    /// What was checked (a line each), and every difference found.
    package struct Report {
        package var checked: [String] = []
        package var differences: [String] = []
    }

    package func verify() async throws(SyncFailure) -> Report {
        var report = Report()
        var fetched: [String: [UInt8]] = [:]
        for (language, query) in [("English", ""), ("Welsh", "?lang=cy")] {
            let page = try await get("/" + query)
            guard page.status == 200 else {
                report.differences.append("the \(language) form page answered with status \(page.status)")
                continue
            }
            if page.header("Content-Security-Policy") != PublicPage.contentSecurityPolicy {
                report.differences.append(
                    "the \(language) form page's Content-Security-Policy is not the released one, so it may run scripts from elsewhere: \(page.header("Content-Security-Policy") ?? "none")"
                )
            }
            try await checkTags(in: page.text, language: language, fetched: &fetched, report: &report)
            checkForm(in: page.text, language: language, report: &report)
            report.checked.append("the \(language) form page, its scripts and its stylesheet")
        }
        for (path, hash) in released.sorted(by: { $0.key < $1.key }) where fetched[path] == nil {
            let sealing = ["/assets/nacl-fast.min.js", "/assets/blake2b.js", "/assets/seal.js"].contains(path)
            report.differences.append(
                sealing
                    ? "the form does not load \(path) (SHA-256 \(hash.prefix(16))…), so browsers do not seal messages and the relay reads them before sealing; ask the host to install node-tweetnacl"
                    : "the form does not load \(path)")
        }
        try await checkAssetManifest(fetched: fetched, report: &report)
        return report
    }

    private func get(_ pathAndQuery: String) async throws(SyncFailure) -> PublicFetch.Answer {
        // `base` ends in "/"; the relay may sit under a path of its own.
        guard let url = URL(string: base.absoluteString + pathAndQuery.dropFirst()) else {
            throw .notAWebAddress(relayAddress)
        }
        do {
            return try await PublicFetch.send(URLRequest(url: url), relay: relayAddress)
        } catch {
            throw .page(error)
        }
    }

    /// Every script and stylesheet the page loads is one the release serves, with its bytes and
    /// integrity hash; the only inline script is the field table, exactly as released.
    private func checkTags(in html: String, language: String, fetched: inout [String: [UInt8]], report: inout Report)
        async throws(SyncFailure)
    {
        // Any case, as browsers read tags; a script element this cannot parse is a difference too.
        let scripts = html.matches(of: /<script\b([^>]*)>([^<]*)<\/script>/.ignoresCase())
        if html.matches(of: /<script\b/.ignoresCase()).count != scripts.count {
            report.differences.append("the \(language) form page has a script element this check cannot read")
        }
        for match in scripts {
            let attributes = String(match.1)
            if attributes.contains("type=\"application/json\"") {
                // Data, never run (the policy allows no inline script): the page's words for its
                // script, and the field table, which must be this release's.
                if attributes.contains("id=\"submission-fields\"") && String(match.2) != SubmissionField.json {
                    report.differences.append(
                        "the \(language) form page's field table is not the released one")
                }
                continue
            }
            try await checkAsset(
                attributes, reference: "src", language: language, fetched: &fetched, report: &report)
        }
        for match in html.matches(of: /<link\b([^>]*)>/.ignoresCase())
        where match.1.lowercased().contains("stylesheet") {
            try await checkAsset(
                String(match.1), reference: "href", language: language, fetched: &fetched, report: &report)
        }
    }

    private func checkAsset(
        _ attributes: String, reference: String, language: String, fetched: inout [String: [UInt8]],
        report: inout Report
    ) async throws(SyncFailure) {
        func value(_ name: String) -> String? {
            guard let start = attributes.range(of: " \(name)=\"", options: .caseInsensitive) else { return nil }
            return String(attributes[start.upperBound...].prefix { $0 != "\"" })
        }
        guard let path = value(reference), let expected = released[path] else {
            report.differences.append(
                "the \(language) form page loads \(value(reference) ?? "an inline script"), which the release does not have"
            )
            return
        }
        if fetched[path] == nil {
            let answer = try await get(path)
            fetched[path] = answer.status == 200 ? Array(answer.data) : []
        }
        let bytes = fetched[path] ?? []
        if Hex.encode(SHA256.hash(bytes)) != expected {
            report.differences.append(
                "\(path) as served is not the released file (SHA-256 \(Hex.encode(SHA256.hash(bytes)).prefix(16))…, released \(expected.prefix(16))…)"
            )
        }
        if value("integrity") != "sha512-" + Base64.encode(SHA512.hash(bytes)) {
            report.differences.append(
                "the \(language) form page's integrity hash for \(path) does not match what is served")
        }
    }

    /// The form posts back to the relay, sealed to exactly a set the group's chair signed,
    /// with this chair in it.
    private func checkForm(in html: String, language: String, report: inout Report) {
        guard let form = PublicForm.read(html) else {
            report.differences.append("the \(language) form page has no contact form")
            return
        }
        if form.action.wholeMatch(of: /\/submit(\?[^"]*)?/) == nil {
            report.differences.append("the \(language) form posts somewhere other than the relay's /submit")
        }
        // No browser sealing: reported with the missing scripts.
        guard let sealing = form.sealing else { return }
        let keys = sealing.keys
        guard let set = group.set(withDigest: sealing.setDigest), set.encryptionKeys == keys else {
            report.differences.append(
                "the \(language) form seals messages to keys that are not a recipients set the group's chair signed")
            return
        }
        if !keys.contains(ownKey) {
            report.differences.append("the \(language) form does not seal messages to you")
        }
        report.checked.append("the \(language) form seals to recipients set \(set.serial), signed by the group's chair")
    }

    /// The relay's own list of its assets agrees with what it served.
    private func checkAssetManifest(fetched: [String: [UInt8]], report: inout Report) async throws(SyncFailure) {
        let answer = try await get(PublicPage.assetManifestPath)
        guard answer.status == 200,
            let manifest = try? JSONDecoder().decode([String: [String: String]].self, from: answer.data),
            let assets = manifest["assets"]
        else {
            report.differences.append("the relay's asset list (\(PublicPage.assetManifestPath)) could not be read")
            return
        }
        for (path, bytes) in fetched.sorted(by: { $0.key < $1.key })
        where assets[path] != "sha512-" + Base64.encode(SHA512.hash(bytes)) {
            report.differences.append("the relay's asset list gives another hash for \(path) than what it served")
        }
        report.checked.append("the relay's asset list")
    }
}
