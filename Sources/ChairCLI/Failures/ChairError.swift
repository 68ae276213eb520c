import ChairCore
import ChairStorage
import ChairSync

/// An error the chair sees: what happened, and a hint saying what to do next.
public struct ChairError: Error, Equatable, CustomStringConvertible {
    /// Lower-case, no final period, e.g. "the passphrase is wrong".
    public let message: String
    /// What to do about it.
    public let hint: String?

    /// Creates an error for the chair.
    public init(_ message: String, hint: String? = nil) {
        self.message = message
        self.hint = hint
    }

    /// The text printed on standard error.
    public var description: String {
        "chair: \(message)" + (hint.map { "\nhint: \($0)" } ?? "")
    }
}
