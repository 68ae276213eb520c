import Foundation

/// `relay check-config`: everything the relay would refuse to start over, checked without
/// starting it or writing anything, so the host can run it before a restart.
public enum ConfigurationCheck {
    /// What was checked, a line each; throws the first thing that would stop the relay.
    public static func run(_ configuration: RelayConfiguration) throws(RelayConfiguration.Problem) -> [String] {
        var lines: [String] = []
        let recipients = try Recipients.load(from: configuration.keysDirectory)
        lines += recipients.sealingLines.map { "keys: " + $0 }
        try checkDataFolder(configuration.dataDirectory)
        lines.append("data: \(configuration.dataDirectory) can be written by this user")
        let catalogues = try Catalogues.load(
            directory: configuration.cataloguesDirectory.map(URL.init(fileURLWithPath:)))
        lines.append("pages: languages \(catalogues.all.map(\.code).joined(separator: ", "))")
        let assets = try Assets.load(tweetNaClPath: configuration.tweetNaClFile)
        lines.append(
            assets.browserSealingWarning(tweetNaClPath: configuration.tweetNaClFile).map { "warning: " + $0 }
                ?? "pages: browsers seal with TweetNaCl from \(configuration.tweetNaClFile)")
        lines += makeOperatorWarnings(configuration).map { "warning: " + $0 }
        lines.append("listen: \(configuration.host) port \(configuration.port)")
        return lines
    }

    /// The data folder exists and this user may write in it, or it can be created.
    static func checkDataFolder(_ path: String) throws(RelayConfiguration.Problem) {
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) {
            guard isDirectory.boolValue else {
                throw .init(description: "the data folder \(path) is a file, not a folder; set data_dir to a folder")
            }
            guard access(path, W_OK | X_OK) == 0 else {
                throw .init(
                    description:
                        "the data folder \(path) cannot be written by this user; give the relay's user ownership of it (chown)"
                )
            }
            return
        }
        let parent = (path as NSString).deletingLastPathComponent
        guard access(parent.isEmpty ? "." : parent, W_OK | X_OK) == 0 else {
            throw .init(
                description:
                    "the data folder \(path) does not exist and cannot be created in \(parent); create it for the relay's user"
            )
        }
    }
}
