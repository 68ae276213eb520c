/// What the relay's pages promise a browser, shared with the chair's audit (`chair
/// verify-relay`), which checks the served pages against it word for word.
public enum PublicPage {
    /// Scripts, styles and images from the relay itself only, no inline script, no framing, and
    /// forms posted only back to it: a host who added a script elsewhere would have to change this.
    public static let contentSecurityPolicy =
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; "
        + "form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
    /// Every served asset with its Subresource Integrity hash, as JSON.
    public static let assetManifestPath = "/.well-known/blind-relay/assets.json"
}
