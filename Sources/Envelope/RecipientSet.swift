import Sodium

/// The group's recipients, signed by its chair (docs/FORMAT.md section 10): who every envelope
/// is sealed to. The relay seals to exactly this set, and each envelope names the set's digest
/// inside its sealed record, so a reader can tell who else could read it.
public struct RecipientSet: Sendable, Equatable {
    /// The first line of every recipients set.
    public static let firstLine = "blind-relay-recipients-v1"
    static let signatureLabel: [UInt8] = Array("blind-relay/v1/recipients".utf8)
    static let digestLabel: [UInt8] = Array("blind-relay/v1/recipient-set".utf8)
    /// Length of the digest an envelope's record carries (field 0x90).
    public static let digestLength = 32
    /// The largest serial, so that a serial is always a safe integer everywhere.
    public static let maximumSerial: Int64 = 999_999_999_999

    /// What a recipient is to the group.
    public enum Role: String, Sendable, CaseIterable {
        /// Signs the set; always the first recipient, and the only one with this role.
        case chair
        /// Reads every message too.
        case deputy
    }

    /// One recipient: their public key file's contents and their role.
    public struct Member: Sendable, Equatable {
        public let role: Role
        public let key: PublicKeyFile

        public init(role: Role, key: PublicKeyFile) {
            self.role = role
            self.key = key
        }
    }

    /// Counts up with every change the chair signs.
    public let serial: Int64
    /// The chair first, then everyone else in the order they were added.
    public let members: [Member]
    /// The chair's Ed25519 signature of the signed text.
    public let signature: [UInt8]
    /// What an envelope sealed to this set carries in its record (field 0x90).
    public let digest: [UInt8]

    /// Why a recipients set was refused.
    public enum ParseError: Error, Equatable, Sendable, CustomStringConvertible {
        /// Not UTF-8 text with LF line endings and no blank lines.
        case notText
        /// An expected line is missing or different.
        case unexpectedLine(expected: String, lineNumber: Int)
        /// The serial is not a canonical decimal from 1 to 999,999,999,999.
        case badSerial
        /// One recipient's keys or name cannot be used (which recipient, why).
        case badRecipient(number: Int, PublicKeyFile.ParseError)
        /// The chair is not first, or there is more than one chair, or none.
        case chairNotFirst
        /// Two recipients share a name or a key.
        case duplicate(String)
        /// More than 16 recipients.
        case tooMany(Int)
        /// The signature is not the chair's signature of this text.
        case badSignature

        public var description: String {
            switch self {
            case .notText: "it is not text with one LF-ended line after another"
            case .unexpectedLine(let expected, let number): "line \(number) should be \(expected)"
            case .badSerial: "the serial must be a whole number from 1 to 999999999999"
            case .badRecipient(let number, let problem): "recipient \(number): \(problem)"
            case .chairNotFirst: "the first recipient, and only the first, must have the role chair"
            case .duplicate(let what): "two recipients share \(what)"
            case .tooMany(let count): "it names \(count) recipients; at most 16 are allowed"
            case .badSignature:
                "its signature is not the chair's signature of its text: it was changed after the chair signed it"
            }
        }
    }

    /// The set's chair: the signer.
    public var chair: Member { members[0] }

    /// The X25519 keys to seal to, in order.
    public var encryptionKeys: [[UInt8]] { members.map(\.key.encryptionKey) }
    /// The Ed25519 keys of everyone who may fetch and acknowledge envelopes.
    public var signingKeys: [[UInt8]] { members.map(\.key.signingKey) }

    /// Everything the signature covers: every line before the signature line.
    public var signedText: String { Self.signedText(serial: serial, members: members) }

    private static func signedText(serial: Int64, members: [Member]) -> String {
        var text = "\(firstLine)\nserial: \(serial)\n"
        for member in members {
            text += "recipient: \(member.role.rawValue)\n"
            text += "name: \(member.key.name)\n"
            text += "encryption-key: \(Base64.encode(member.key.encryptionKey))\n"
            text += "signing-key: \(Base64.encode(member.key.signingKey))\n"
        }
        return text
    }

    /// The file's text.
    public func render() -> String {
        signedText + "signature: \(Base64.encode(signature))\n"
    }

    /// Signs `members` (the chair first) as set number `serial`, checking every rule.
    public static func sign(serial: Int64, members: [Member], with chair: SigningKeyPair) throws(ParseError)
        -> RecipientSet
    {
        let unsigned = RecipientSet(serial: serial, members: members, signature: [])
        try unsigned.checkRules()
        guard chair.publicKey == members[0].key.signingKey else { throw .badSignature }
        let signature = chair.sign(signatureLabel + Array(unsigned.signedText.utf8))
        return RecipientSet(serial: serial, members: members, signature: signature)
    }

    /// Parses a recipients set and checks every rule of section 10, its signature included.
    public init(parsing data: [UInt8]) throws(ParseError) {
        guard let text = String(validating: data, as: UTF8.self), text.hasSuffix("\n"),
            !text.unicodeScalars.contains("\r")
        else { throw .notText }
        let lines = text.utf8.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false).dropLast()
            .map { String(decoding: $0, as: UTF8.self) }
        var number = 0
        func take(_ prefix: String) throws(ParseError) -> String {
            guard number < lines.count else {
                throw .unexpectedLine(expected: "\"\(prefix)…\"", lineNumber: number + 1)
            }
            let line = lines[number]
            number += 1
            guard line.hasPrefix(prefix) else { throw .unexpectedLine(expected: "\"\(prefix)…\"", lineNumber: number) }
            return String(line.dropFirst(prefix.count))
        }
        guard try take(Self.firstLine).isEmpty else { throw .unexpectedLine(expected: Self.firstLine, lineNumber: 1) }
        guard let serial = Self.parseSerial(try take("serial: ")) else { throw .badSerial }
        var members: [Member] = []
        while number < lines.count, lines[number].hasPrefix("recipient: ") {
            let recipientNumber = members.count + 1
            guard let role = Role(rawValue: try take("recipient: ")) else {
                throw .unexpectedLine(expected: "\"recipient: chair\" or \"recipient: deputy\"", lineNumber: number)
            }
            let name = try take("name: ")
            guard let encryptionKey = Base64.decode(try take("encryption-key: ")), encryptionKey.count == 32 else {
                throw .badRecipient(number: recipientNumber, .badKey("encryption key"))
            }
            guard let signingKey = Base64.decode(try take("signing-key: ")), signingKey.count == 32 else {
                throw .badRecipient(number: recipientNumber, .badKey("signing key"))
            }
            do {
                members.append(
                    Member(
                        role: role,
                        key: try PublicKeyFile(name: name, encryptionKey: encryptionKey, signingKey: signingKey)
                    ))
            } catch {
                throw .badRecipient(number: recipientNumber, error)
            }
        }
        guard let signature = Base64.decode(try take("signature: ")), signature.count == SigningKeyPair.signatureLength
        else { throw .badSignature }
        guard number == lines.count else {
            throw .unexpectedLine(expected: "the end of the file", lineNumber: number + 1)
        }
        self.init(serial: serial, members: members, signature: signature)
        try checkRules()
        // The text must be exactly what was signed: a set written differently is not this set.
        guard render() == text,
            SigningKeyPair.verify(
                signature: signature, message: Self.signatureLabel + Array(signedText.utf8),
                publicKey: chair.key.signingKey)
        else { throw .badSignature }
    }

    private init(serial: Int64, members: [Member], signature: [UInt8]) {
        self.serial = serial
        self.members = members
        self.signature = signature
        let signedText = Self.signedText(serial: serial, members: members)
        self.digest = Array(SHA512.hash(Self.digestLabel + Array(signedText.utf8)).prefix(Self.digestLength))
    }

    private func checkRules() throws(ParseError) {
        guard (1...Self.maximumSerial).contains(serial) else { throw .badSerial }
        guard !members.isEmpty, members[0].role == .chair, !members.dropFirst().contains(where: { $0.role == .chair })
        else { throw .chairNotFirst }
        guard EnvelopeFormat.recipientRange.contains(members.count) else { throw .tooMany(members.count) }
        if Set(members.map(\.key.name)).count != members.count { throw .duplicate("a name") }
        if Set(members.map(\.key.encryptionKey)).count != members.count { throw .duplicate("an encryption key") }
        if Set(members.map(\.key.signingKey)).count != members.count { throw .duplicate("a signing key") }
    }

    /// Canonical decimal: digits only, no leading zero.
    static func parseSerial(_ text: String) -> Int64? {
        let digits = Array(text.utf8)
        guard (1...12).contains(digits.count), digits[0] != UInt8(ascii: "0"),
            digits.allSatisfy({ (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) })
        else { return nil }
        return digits.reduce(Int64(0)) { $0 * 10 + Int64($1 - UInt8(ascii: "0")) }
    }
}
