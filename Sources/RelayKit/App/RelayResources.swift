import Foundation
import RelayProtocol

/// Where the relay's own files are (the catalogues and the page assets), found from where its
/// executable is and never from where it was built, so a copied or installed relay finds them:
///
/// - `PREFIX/bin/relay` reads `PREFIX/share/blind-relay/` (the release tarball, the .deb);
/// - `.build/debug/relay` reads `.build/debug/blind-relay_RelayKit.resources/` (SwiftPM's
///   layout, for development and the tests).
public enum RelayResources {
    /// Relative to the executable's folder, in the order they are tried.
    static let candidates = [Release.filesBesideExecutable, "blind-relay_RelayKit.resources"]

    /// The folder holding `Catalogues/` and `Assets/` for the executable at `executable`.
    public static func folder(executable: URL? = Release.runningExecutable) throws(RelayConfiguration.Problem) -> URL {
        guard let executable else {
            throw .init(
                description:
                    "cannot tell where the relay's executable is (/proc/self/exe); run it from its installed place")
        }
        let directory = executable.deletingLastPathComponent()
        for candidate in candidates {
            let folder = directory.appendingPathComponent(candidate).standardizedFileURL
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(
                atPath: folder.appendingPathComponent("Catalogues").path, isDirectory: &isDirectory),
                isDirectory.boolValue
            {
                return folder
            }
        }
        throw .init(
            description:
                "the relay's pages and catalogues are not beside it (looked in \(candidates.map { directory.appendingPathComponent($0).standardizedFileURL.path }.joined(separator: " and "))); install the whole release, not only the binary"
        )
    }
}
