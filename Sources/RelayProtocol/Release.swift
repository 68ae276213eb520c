import Foundation
import Sodium

/// The release the relay and the chair's tool belong to, and the manifest installed with them.
public enum Release {
    /// Raised for every release; `make release` names the tarball and the .deb after it.
    public static let version = "0.9.0"
    /// Where a release puts its own files, from the executable's folder: `PREFIX/bin/relay` and
    /// `PREFIX/bin/chair` beside `PREFIX/share/blind-relay/` (pages, catalogues, `MANIFEST`, `SERVED`).
    public static let filesBesideExecutable = "../share/blind-relay"

    /// This process's executable, symbolic links resolved.
    public static var runningExecutable: URL? {
        (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")).map(URL.init(fileURLWithPath:))
    }

    /// The manifest (`sha256sum` lines: every file of the release, and every asset the relay
    /// serves) installed beside `executable`; nil for a development build.
    public static func manifest(besideExecutable executable: URL?) -> [UInt8]? {
        file("MANIFEST", besideExecutable: executable)
    }

    /// A file of the release installed beside `executable`; nil when there is none.
    static func file(_ name: String, besideExecutable executable: URL?) -> [UInt8]? {
        guard let executable else { return nil }
        let path = executable.deletingLastPathComponent().appendingPathComponent(filesBesideExecutable)
            .appendingPathComponent(name).standardizedFileURL.path
        return FileManager.default.contents(atPath: path).map(Array.init)
    }

    /// The assets a relay of this release serves, by the path it serves them at, with their
    /// SHA-256 in hex (`share/blind-relay/SERVED` beside the executable); nil for a development
    /// build. TweetNaCl's is the copy of Debian's node-tweetnacl the release was built with.
    public static func servedAssets(besideExecutable executable: URL? = runningExecutable) -> [String: String]? {
        guard let data = file("SERVED", besideExecutable: executable) else { return nil }
        var assets: [String: String] = [:]
        for line in String(decoding: data, as: UTF8.self).split(separator: "\n") {
            let parts = line.split(separator: " ", omittingEmptySubsequences: true)
            guard parts.count == 2, parts[0].count == 64 else { return nil }
            assets[String(parts[1])] = String(parts[0])
        }
        return assets
    }

    /// What `--version` prints: the version, and the SHA-256 of the manifest, which names the
    /// hash of every file the release holds.
    public static func versionText(executable: URL? = runningExecutable) -> String {
        guard let manifest = manifest(besideExecutable: executable) else {
            return "\(version) (a development build: no release manifest beside it)"
        }
        return "\(version) (release manifest SHA-256 \(Hex.encode(SHA256.hash(manifest))))"
    }
}
