import Foundation
import Hummingbird
import RelayProtocol
import Sodium

/// The files the pages load, served from our own origin with Subresource Integrity hashes, and
/// listed with their hashes at a well-known address so the chair can audit what is served.
struct Assets: Sendable {
    /// One served file.
    struct Asset: Sendable {
        let path: String
        let contentType: String
        let bytes: [UInt8]
        /// "sha512-…", for `integrity` attributes and the manifest.
        let integrity: String
    }

    static let manifestPath = PublicPage.assetManifestPath

    let files: [Asset]
    /// Whether the browser can seal: only when TweetNaCl was found.
    let canSealInBrowser: Bool

    /// Loads the built-in assets, and TweetNaCl from `tweetNaClPath` (Debian's node-tweetnacl).
    static func load(tweetNaClPath: String) throws(RelayConfiguration.Problem) -> Assets {
        let folder = try RelayResources.folder().appendingPathComponent("Assets")
        func read(_ url: URL) -> [UInt8]? { FileManager.default.contents(atPath: url.path).map(Array.init) }
        var files: [Asset] = []
        for (name, type) in [
            ("relay.css", "text/css; charset=utf-8"), ("blake2b.js", "text/javascript; charset=utf-8"),
            ("seal.js", "text/javascript; charset=utf-8"), ("exit.js", "text/javascript; charset=utf-8"),
            ("reveal.js", "text/javascript; charset=utf-8"),
        ] {
            guard let bytes = read(folder.appendingPathComponent(name)) else {
                throw .init(description: "the built-in asset \(name) is missing; reinstall the relay")
            }
            files.append(make("/assets/\(name)", type, bytes))
        }
        let nacl = read(URL(fileURLWithPath: tweetNaClPath))
        if let nacl { files.append(make("/assets/nacl-fast.min.js", "text/javascript; charset=utf-8", nacl)) }
        return Assets(files: files, canSealInBrowser: nacl != nil)
    }

    private static func make(_ path: String, _ type: String, _ bytes: [UInt8]) -> Asset {
        Asset(path: path, contentType: type, bytes: bytes, integrity: "sha512-" + Base64.encode(SHA512.hash(bytes)))
    }

    func asset(_ path: String) -> Asset? { files.first { $0.path == path } }

    var stylesheetTag: String {
        guard let css = asset("/assets/relay.css") else { return "" }
        return "<link rel=\"stylesheet\" href=\"\(css.path)\" integrity=\"\(css.integrity)\">"
    }

    /// What the operator must know when browsers cannot seal; nil when they can.
    func browserSealingWarning(tweetNaClPath: String) -> String? {
        canSealInBrowser
            ? nil : "browser sealing is off: TweetNaCl was not found at \(tweetNaClPath); install node-tweetnacl"
    }

    /// Exit this page's script, on every page whether or not the browser can seal.
    var exitScriptTag: String {
        guard let script = asset("/assets/exit.js") else { return "" }
        return "<script src=\"\(script.path)\" integrity=\"\(script.integrity)\" defer></script>"
    }

    /// The form's conditional reveal (the contact questions under Yes), whether or not the
    /// browser can seal.
    var revealScriptTag: String {
        guard let script = asset("/assets/reveal.js") else { return "" }
        return "<script src=\"\(script.path)\" integrity=\"\(script.integrity)\" defer></script>"
    }

    /// The script tags for browser sealing, in load order; empty when it is unavailable.
    var scriptTags: String {
        guard canSealInBrowser else { return "" }
        return ["/assets/nacl-fast.min.js", "/assets/blake2b.js", "/assets/seal.js"].compactMap(asset).map {
            "<script src=\"\($0.path)\" integrity=\"\($0.integrity)\" defer></script>"
        }.joined(separator: "\n")
    }

    /// `{"assets": {"/assets/relay.css": "sha512-…", …}}`.
    var manifest: String {
        let entries = files.map { "    \"\($0.path)\": \"\($0.integrity)\"" }.joined(separator: ",\n")
        return "{\n  \"assets\": {\n\(entries)\n  }\n}\n"
    }

    func addRoutes(to router: Router<RelayRequestContext>) {
        for file in files {
            router.get(RouterPath(file.path)) { _, _ in
                var headers = HTTPFields()
                headers[.contentType] = file.contentType
                // Long-lived: a changed file changes its integrity hash, and so the page.
                headers[.cacheControl] = "public, max-age=86400"
                return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: file.bytes)))
            }
        }
        let manifest = manifest
        router.get(RouterPath(Self.manifestPath)) { _, _ in
            var headers = HTTPFields()
            headers[.contentType] = "application/json"
            headers[.cacheControl] = "no-cache"
            return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(string: manifest)))
        }
    }
}
