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

    /// What was checked, and every difference found, in order.
    package struct Report {
        package var checked: [Checked] = []
        package var differences: [Difference] = []
    }

    /// The form page in each language the relay serves.
    package enum Language: Sendable {
        case english, welsh
    }

    /// Something checked and found as released.
    package enum Checked: Equatable, Sendable {
        case pageAndAssets(Language)
        case formSealsToSet(Language, serial: Int64)
        case assetList
    }

    /// How what the relay serves differs from the release and the group's sets.
    package enum Difference: Equatable, Sendable {
        case pageStatus(Language, status: Int)
        case contentSecurityPolicy(Language, served: String?)
        /// A released asset the page does not load; `sealing` when it is one browsers seal with.
        case assetNotLoaded(path: String, releasedHash: String, sealing: Bool)
        case unreadableScript(Language)
        case fieldTable(Language)
        /// The page loads something the release does not have: its path, or nil for inline.
        case unreleasedAsset(Language, path: String?)
        case assetBytes(path: String, servedHash: String, releasedHash: String)
        case integrityHash(Language, path: String)
        case noContactForm(Language)
        case postsElsewhere(Language)
        case sealsToUnsignedKeys(Language)
        case doesNotSealToYou(Language)
        case assetListUnreadable(path: String)
        case assetListHash(path: String)
    }

    package func verify() async throws(SyncFailure) -> Report {
        var report = Report()
        var fetched: [String: [UInt8]] = [:]
        for (language, query) in [(Language.english, ""), (.welsh, "?lang=cy")] {
            let page = try await get("/" + query)
            guard page.status == 200 else {
                report.differences.append(.pageStatus(language, status: page.status))
                continue
            }
            if page.header("Content-Security-Policy") != PublicPage.contentSecurityPolicy {
                report.differences.append(
                    .contentSecurityPolicy(language, served: page.header("Content-Security-Policy")))
            }
            try await checkTags(in: page.text, language: language, fetched: &fetched, report: &report)
            checkForm(in: page.text, language: language, report: &report)
            report.checked.append(.pageAndAssets(language))
        }
        for (path, hash) in released.sorted(by: { $0.key < $1.key }) where fetched[path] == nil {
            let sealing = ["/assets/nacl-fast.min.js", "/assets/blake2b.js", "/assets/seal.js"].contains(path)
            report.differences.append(.assetNotLoaded(path: path, releasedHash: hash, sealing: sealing))
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
    private func checkTags(in html: String, language: Language, fetched: inout [String: [UInt8]], report: inout Report)
        async throws(SyncFailure)
    {
        // Any case, as browsers read tags; a script element this cannot parse is a difference too.
        let scripts = html.matches(of: /<script\b([^>]*)>([^<]*)<\/script>/.ignoresCase())
        if html.matches(of: /<script\b/.ignoresCase()).count != scripts.count {
            report.differences.append(.unreadableScript(language))
        }
        for match in scripts {
            let attributes = String(match.1)
            if attributes.contains("type=\"application/json\"") {
                // Data, never run (the policy allows no inline script): the page's words for its
                // script, and the field table, which must be this release's.
                if attributes.contains("id=\"submission-fields\"") && String(match.2) != SubmissionField.json {
                    report.differences.append(.fieldTable(language))
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
        _ attributes: String, reference: String, language: Language, fetched: inout [String: [UInt8]],
        report: inout Report
    ) async throws(SyncFailure) {
        func value(_ name: String) -> String? {
            guard let start = attributes.range(of: " \(name)=\"", options: .caseInsensitive) else { return nil }
            return String(attributes[start.upperBound...].prefix { $0 != "\"" })
        }
        guard let path = value(reference), let expected = released[path] else {
            report.differences.append(.unreleasedAsset(language, path: value(reference)))
            return
        }
        if fetched[path] == nil {
            let answer = try await get(path)
            fetched[path] = answer.status == 200 ? Array(answer.data) : []
        }
        let bytes = fetched[path] ?? []
        if Hex.encode(SHA256.hash(bytes)) != expected {
            report.differences.append(
                .assetBytes(path: path, servedHash: Hex.encode(SHA256.hash(bytes)), releasedHash: expected))
        }
        if value("integrity") != "sha512-" + Base64.encode(SHA512.hash(bytes)) {
            report.differences.append(.integrityHash(language, path: path))
        }
    }

    /// The form posts back to the relay, sealed to exactly a set the group's chair signed,
    /// with this chair in it.
    private func checkForm(in html: String, language: Language, report: inout Report) {
        guard let form = PublicForm.read(html) else {
            report.differences.append(.noContactForm(language))
            return
        }
        if form.action.wholeMatch(of: /\/submit(\?[^"]*)?/) == nil {
            report.differences.append(.postsElsewhere(language))
        }
        // No browser sealing: reported with the missing scripts.
        guard let sealing = form.sealing else { return }
        let keys = sealing.keys
        guard let set = group.set(withDigest: sealing.setDigest), set.encryptionKeys == keys else {
            report.differences.append(.sealsToUnsignedKeys(language))
            return
        }
        if !keys.contains(ownKey) {
            report.differences.append(.doesNotSealToYou(language))
        }
        report.checked.append(.formSealsToSet(language, serial: set.serial))
    }

    /// The relay's own list of its assets agrees with what it served.
    private func checkAssetManifest(fetched: [String: [UInt8]], report: inout Report) async throws(SyncFailure) {
        let answer = try await get(PublicPage.assetManifestPath)
        guard answer.status == 200,
            let manifest = try? JSONDecoder().decode([String: [String: String]].self, from: answer.data),
            let assets = manifest["assets"]
        else {
            report.differences.append(.assetListUnreadable(path: PublicPage.assetManifestPath))
            return
        }
        for (path, bytes) in fetched.sorted(by: { $0.key < $1.key })
        where assets[path] != "sha512-" + Base64.encode(SHA512.hash(bytes)) {
            report.differences.append(.assetListHash(path: path))
        }
        report.checked.append(.assetList)
    }
}
