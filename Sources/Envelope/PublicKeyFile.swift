import Sodium

/// A recipient's public keys as written by `chair export` and read by the relay
/// (docs/FORMAT.md section 7).
public struct PublicKeyFile: Sendable, Equatable {
    /// The first line of every public key file.
    public static let firstLine = "blind-relay-public-key-v1"
    static let fingerprintLabel: [UInt8] = Array("blind-relay/v1/fingerprint".utf8)

    /// Display name of the key holder, e.g. "Chair".
    public let name: String
    /// The X25519 key envelopes are sealed to.
    public let encryptionKey: [UInt8]
    /// The Ed25519 key that verifies the holder's requests to the relay.
    public let signingKey: [UInt8]

    /// Why a public key file was refused.
    public enum ParseError: Error, Equatable, Sendable, CustomStringConvertible {
        /// The file is not UTF-8 text.
        case notText
        /// An expected line is missing or different (what was expected).
        case unexpectedLine(expected: String, lineNumber: Int)
        /// A key is not 32 bytes of canonical base64 (which key).
        case badKey(String)
        /// The name is empty, too long or holds control characters.
        case badName
        /// A key is a low-order point: anyone could open what is sealed to it (which key).
        case unusableKey(String)
        /// The fingerprint line does not match the keys.
        case fingerprintMismatch
        /// Lines follow the fingerprint.
        case extraLines

        public var description: String {
            switch self {
            case .notText: "it is not a text file"
            case .unexpectedLine(let expected, let number): "line \(number) should be \(expected)"
            case .badKey(let which): "the \(which) is not 32 bytes of base64"
            case .badName: "the name must be 1 to 100 characters with no control characters"
            case .unusableKey(let which):
                "the \(which) is not a usable key (a low-order point, such as all zeros): anyone could read what is sealed to it"
            case .fingerprintMismatch: "the fingerprint does not match the keys"
            case .extraLines: "there is text after the fingerprint line"
            }
        }
    }

    /// Creates a public key file's contents, checking the name.
    public init(name: String, encryptionKey: [UInt8], signingKey: [UInt8]) throws(ParseError) {
        guard Self.isValidName(name) else { throw .badName }
        guard encryptionKey.count == 32 else { throw .badKey("encryption key") }
        guard signingKey.count == 32 else { throw .badKey("signing key") }
        guard BoxKeyPair.isUsablePublicKey(encryptionKey) else { throw .unusableKey("encryption key") }
        guard SigningKeyPair.isUsablePublicKey(signingKey) else { throw .unusableKey("signing key") }
        self.name = name
        self.encryptionKey = encryptionKey
        self.signingKey = signingKey
    }

    /// The fingerprint to read aloud: four groups of five digits.
    public var fingerprint: String {
        Self.fingerprint(encryptionKey: encryptionKey, signingKey: signingKey)
    }

    /// The fingerprint of any two keys, usable or not (section 7).
    public static func fingerprint(encryptionKey: [UInt8], signingKey: [UInt8]) -> String {
        var hasher = SHA512()
        hasher.update(fingerprintLabel)
        hasher.update(encryptionKey)
        hasher.update(signingKey)
        let digest = hasher.finalize().withUnsafeBytes { Array($0) }
        return (0..<4).map { group in
            let value = digest[(group * 5)..<(group * 5 + 5)].reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
            let digits = String(value % 100_000)
            return String(repeating: "0", count: 5 - digits.count) + digits
        }.joined(separator: " ")
    }

    /// The file's text.
    public func render() -> String {
        """
        \(Self.firstLine)
        name: \(name)
        encryption-key: \(Base64.encode(encryptionKey))
        signing-key: \(Base64.encode(signingKey))
        fingerprint: \(fingerprint)

        """
    }

    /// Parses a public key file, checking every rule of section 7.
    public init(parsing data: [UInt8]) throws(ParseError) {
        guard let text = String(validating: data, as: UTF8.self) else { throw .notText }
        // In Swift "\r\n" is one Character, so both line endings are separators here.
        let allLines = text.split(omittingEmptySubsequences: false) { $0 == "\n" || $0 == "\r\n" }
        var lines = allLines.enumerated()
            .map { (number: $0.offset + 1, text: $0.element) }
            .filter { !$0.text.isEmpty && !$0.text.hasPrefix("#") }[...]

        func take(_ prefix: String) throws(ParseError) -> Substring {
            guard let line = lines.popFirst() else {
                throw .unexpectedLine(expected: "\"\(prefix)…\"", lineNumber: allLines.count)
            }
            guard line.text.hasPrefix(prefix) else {
                throw .unexpectedLine(expected: "\"\(prefix)…\"", lineNumber: line.number)
            }
            return line.text.dropFirst(prefix.count)
        }

        guard try take(Self.firstLine).isEmpty else {
            throw .unexpectedLine(expected: Self.firstLine, lineNumber: 1)
        }
        let name = String(try take("name: "))
        guard let encryptionKey = Base64.decode(try take("encryption-key: ")), encryptionKey.count == 32 else {
            throw .badKey("encryption key")
        }
        guard let signingKey = Base64.decode(try take("signing-key: ")), signingKey.count == 32 else {
            throw .badKey("signing key")
        }
        let fingerprint = try take("fingerprint: ")
        guard lines.isEmpty else { throw .extraLines }
        try self.init(name: name, encryptionKey: encryptionKey, signingKey: signingKey)
        guard self.fingerprint == fingerprint else { throw .fingerprintMismatch }
    }

    static func isValidName(_ name: String) -> Bool {
        (1...100).contains(name.count)
            && !name.unicodeScalars.contains { $0.properties.generalCategory == .control }
    }
}
