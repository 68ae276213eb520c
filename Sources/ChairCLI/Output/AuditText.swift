import ChairSync

/// The chair's words for `chair verify-relay`'s findings (`RelayVerifier.Report`): the one
/// place they are written.
enum AuditText {
    static func language(_ language: RelayVerifier.Language) -> String {
        switch language {
        case .english: "English"
        case .welsh: "Welsh"
        }
    }

    static func checked(_ checked: RelayVerifier.Checked) -> String {
        switch checked {
        case .pageAndAssets(let page): "the \(language(page)) form page, its scripts and its stylesheet"
        case .formSealsToSet(let page, let serial):
            "the \(language(page)) form seals to recipients set \(serial), signed by the group's chair"
        case .assetList: "the relay's asset list"
        }
    }

    static func difference(_ difference: RelayVerifier.Difference) -> String {
        switch difference {
        case .pageStatus(let page, let status): "the \(language(page)) form page answered with status \(status)"
        case .contentSecurityPolicy(let page, let served):
            "the \(language(page)) form page's Content-Security-Policy is not the released one, so it may run scripts from elsewhere: \(served ?? "none")"
        case .assetNotLoaded(let path, let hash, let sealing):
            sealing
                ? "the form does not load \(path) (SHA-256 \(hash.prefix(16))…), so browsers do not seal messages and the relay reads them before sealing; ask the host to install node-tweetnacl"
                : "the form does not load \(path)"
        case .unreadableScript(let page): "the \(language(page)) form page has a script element this check cannot read"
        case .fieldTable(let page): "the \(language(page)) form page's field table is not the released one"
        case .unreleasedAsset(let page, let path):
            "the \(language(page)) form page loads \(path ?? "an inline script"), which the release does not have"
        case .assetBytes(let path, let served, let released):
            "\(path) as served is not the released file (SHA-256 \(served.prefix(16))…, released \(released.prefix(16))…)"
        case .integrityHash(let page, let path):
            "the \(language(page)) form page's integrity hash for \(path) does not match what is served"
        case .noContactForm(let page): "the \(language(page)) form page has no contact form"
        case .postsElsewhere(let page): "the \(language(page)) form posts somewhere other than the relay's /submit"
        case .sealsToUnsignedKeys(let page):
            "the \(language(page)) form seals messages to keys that are not a recipients set the group's chair signed"
        case .doesNotSealToYou(let page): "the \(language(page)) form does not seal messages to you"
        case .assetListUnreadable(let path): "the relay's asset list (\(path)) could not be read"
        case .assetListHash(let path): "the relay's asset list gives another hash for \(path) than what it served"
        }
    }
}
