import Foundation
import Logging

/// The relay's only log format. It has no field for a client address, user agent, referrer,
/// query string or body: metadata is dropped unless its key is on a short list of our own, and
/// text from libraries is withheld unless it is one of a few known, request-free lines.
public struct RelayLogHandler: LogHandler {
    public var logLevel: Logger.Level
    public var metadata: Logger.Metadata = [:]
    private let label: String
    private let write: @Sendable (String) -> Void

    /// Metadata keys the relay's own code uses, whose values never come from a request.
    static let allowedMetadataKeys: Set<String> = ["error.type"]
    /// The only library lines shown as written (by prefix); they hold no request data.
    static let allowedLibraryLines = ["Server started and listening on", "Shutting down", "Server shutdown"]

    /// A handler writing lines to standard error.
    public init(label: String, level: Logger.Level) {
        self.init(label: label, level: level) { line in
            FileHandle.standardError.write(Data(line.utf8))
        }
    }

    /// A handler writing lines to `write` (tests collect them).
    public init(label: String, level: Logger.Level, write: @escaping @Sendable (String) -> Void) {
        self.label = label
        self.logLevel = level
        self.write = write
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        let message = event.message.description
        let isOurs = event.source == "RelayKit" || event.source == "relay"
        let text =
            isOurs || Self.allowedLibraryLines.contains(where: message.hasPrefix)
            ? message : "\(event.source) reported an event at \(event.level) level (details withheld)"
        let merged = metadata.merging(event.metadata ?? [:]) { $1 }
        let fields = merged.filter { Self.allowedMetadataKeys.contains($0.key) }.sorted { $0.key < $1.key }
            .map { " \($0.key)=\($0.value)" }.joined()
        let time = Date().formatted(.iso8601.year().month().day().time(includingFractionalSeconds: false))
        write("\(time) \(event.level) \(label): \(text)\(fields)\n")
    }
}
