import Foundation

/// A folder of its own for one test, removed when the test is done with it.
public final class TemporaryDirectory: @unchecked Sendable {
    /// The folder's URL.
    public let url: URL

    /// Makes a new, empty folder under the system's temporary directory.
    public init(prefix: String = "blind-relay-test") throws {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("\(prefix)-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    /// The path of `name` inside the folder.
    public func path(_ name: String) -> String { url.appendingPathComponent(name).path }

    deinit {
        try? FileManager.default.removeItem(at: url)
    }
}
