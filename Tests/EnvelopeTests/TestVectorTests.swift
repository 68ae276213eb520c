import Envelope
import Foundation
import Sodium
import Testing

/// One file of Tests/EnvelopeTests/Vectors, parsed (docs/FORMAT.md section 9).
struct TestVector {
    enum Expectation: String, CaseIterable {
        case success
        case notAnEnvelope = "not an envelope"
        case unsupportedVersion = "unsupported version"
        case truncated
        case malformedHeader = "malformed header"
        case trailingData = "trailing data"
        case noMatch = "no match"
        case payloadFailure = "payload failure"
        case paddingFailure = "padding failure"
        case armorFailure = "armor failure"
        case recordFailure = "record failure"
        case unsupportedRecordVersion = "unsupported record version"
        case keyAccepted = "key accepted"
        case keyUnusable = "key unusable"
        case keyFingerprintMismatch = "key fingerprint mismatch"
        case setAccepted = "set accepted"
        case setMalformed = "set malformed"
        case setSignatureInvalid = "set signature invalid"

        /// Whether the vector's bytes are a public key file rather than an envelope.
        var isKeyFile: Bool { [.keyAccepted, .keyUnusable, .keyFingerprintMismatch].contains(self) }
        /// Whether the vector's bytes are a recipients set (section 10).
        var isRecipientSet: Bool { [.setAccepted, .setMalformed, .setSignatureInvalid].contains(self) }
    }

    struct FormatError: Error, CustomStringConvertible {
        let description: String
    }

    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Vectors")
    static let knownKeys: Set<String> = [
        "expect", "identity", "armored", "record", "kind", "comment", "digest", "recipient-set", "canary",
    ]

    let name: String
    let expectation: Expectation
    /// The key to open an envelope with; nil for a key-file vector.
    let identity: BoxKeyPair?
    let armored: Bool
    let record: [UInt8]?
    let kind: String?
    /// With `set accepted`: the set's digest. With `success`: the digest its record names.
    let digest: [UInt8]?
    /// With `success`: the canary identifier its record carries.
    let canary: [UInt8]?
    let body: [UInt8]

    static func allNames() -> [String] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
        return names.sorted()
    }

    static func load(_ name: String) throws -> TestVector {
        try TestVector(name: name, contents: Array(Data(contentsOf: directory.appendingPathComponent(name))))
    }

    /// Parses a vector, failing on any header key or expectation it does not know.
    init(name: String, contents: [UInt8]) throws {
        guard let split = contents.indices.first(where: { contents[$0...].starts(with: [0x0A, 0x0A]) }) else {
            throw FormatError(description: "\(name): no blank line after the header")
        }
        var fields: [String: String] = [:]
        for line in String(decoding: contents[..<split], as: UTF8.self).split(separator: "\n") {
            guard let colon = line.firstIndex(of: ":") else {
                throw FormatError(description: "\(name): bad header line")
            }
            let key = String(line[..<colon])
            guard Self.knownKeys.contains(key) else { throw FormatError(description: "\(name): unknown header \(key)") }
            fields[key] = String(line[line.index(after: colon)...].drop(while: { $0 == " " }))
        }
        guard let rawExpect = fields["expect"], let expectation = Expectation(rawValue: rawExpect) else {
            throw FormatError(description: "\(name): unknown or missing expect: \(fields["expect"] ?? "")")
        }
        if expectation.isKeyFile || expectation.isRecipientSet {
            guard fields["identity"] == nil else {
                throw FormatError(description: "\(name): a key-file or set vector has no identity")
            }
            self.identity = nil
        } else {
            guard let identityHex = fields["identity"], let secret = Hex.decode(identityHex), secret.count == 32,
                let identity = BoxKeyPair.restore(secretKey: SecretBytes(copying: secret))
            else { throw FormatError(description: "\(name): missing or bad identity") }
            self.identity = identity
        }
        self.name = name
        self.expectation = expectation
        self.armored = fields["armored"] == "yes"
        self.record = fields["record"].flatMap { Hex.decode($0) }
        self.kind = fields["kind"]
        self.digest = (fields["digest"] ?? fields["recipient-set"]).flatMap { Hex.decode($0) }
        self.canary = fields["canary"].flatMap { Hex.decode($0) }
        self.body = Array(contents[(split + 2)...])
    }

    /// What opening the vector's bytes actually gives, as an expectation.
    func run() -> (Expectation, SecretBytes?) {
        if expectation.isRecipientSet { return (runRecipientSet(), nil) }
        guard let identity else { return (runKeyFile(), nil) }
        do {
            let envelope = armored ? try Armor.decode(body, label: Armor.envelopeLabel) : body
            let record = try Envelope.openRecord(envelope, with: identity)
            _ = try SubmissionRecord.decode(record)
            return (.success, record)
        } catch {
            return (Self.expectation(for: error), nil)
        }
    }

    /// What parsing the vector's bytes as a public key file gives. A refusal of any other kind
    /// comes back as "malformed header", which no key-file vector expects, so it fails.
    func runKeyFile() -> Expectation {
        do {
            _ = try PublicKeyFile(parsing: body)
            return .keyAccepted
        } catch .unusableKey {
            return .keyUnusable
        } catch .fingerprintMismatch {
            return .keyFingerprintMismatch
        } catch {
            return .malformedHeader
        }
    }

    /// What parsing the vector's bytes as a recipients set gives; an accepted set must also
    /// have the digest its header states.
    func runRecipientSet() -> Expectation {
        do {
            let set = try RecipientSet(parsing: body)
            return set.digest == digest ? .setAccepted : .setMalformed
        } catch .badSignature {
            return .setSignatureInvalid
        } catch {
            return .setMalformed
        }
    }

    static func expectation(for error: EnvelopeError) -> Expectation {
        switch error {
        case .notAnEnvelope: .notAnEnvelope
        case .unsupportedVersion: .unsupportedVersion
        case .truncated: .truncated
        case .malformedHeader: .malformedHeader
        case .trailingData: .trailingData
        case .notAddressedToThisIdentity: .noMatch
        case .payloadFailure: .payloadFailure
        case .paddingFailure: .paddingFailure
        case .armorFailure: .armorFailure
        case .recordFailure: .recordFailure
        case .unsupportedRecordVersion: .unsupportedRecordVersion
        }
    }
}

@Suite("Test vectors")
struct TestVectorTests {
    @Test("each vector gives exactly its expected outcome", arguments: TestVector.allNames())
    func vectorGivesExpectedOutcome(name: String) async throws {
        let vector = try TestVector.load(name)
        let (outcome, record) = vector.run()
        #expect(outcome == vector.expectation, "\(name)")
        if vector.expectation == .success {
            let expectedRecord = try #require(vector.record, "\(name): a success vector must give its record")
            #expect(record?.withUnsafeBytes { Array($0) } == expectedRecord)
            let submission = try #require(try record.map(SubmissionRecord.decode))
            #expect(submission.kind.rawValue == vector.kind)
            // The set a record names, or none: exactly what the header says.
            #expect(try record.flatMap(SubmissionRecord.recipientSet(in:)) == vector.digest, "\(name)")
            #expect(try record.flatMap(SubmissionRecord.canary(in:)) == vector.canary, "\(name)")
        }
    }

    @Test("the vectors cover every kind of outcome, and there are enough of them")
    func vectorsCoverEveryOutcome() async throws {
        let names = TestVector.allNames()
        #expect(names.count >= 40)
        let covered = Set(try names.map { try TestVector.load($0).expectation })
        #expect(covered == Set(TestVector.Expectation.allCases))
    }

    @Test("the runner refuses a header key or an expectation it does not know")
    func runnerRefusesUnknownHeaders() {
        let identity = String(repeating: "11", count: 32)
        #expect(throws: TestVector.FormatError.self) {
            try TestVector(
                name: "x", contents: Array("expect: success\nidentity: \(identity)\nflavour: new\n\nBRLY".utf8))
        }
        #expect(throws: TestVector.FormatError.self) {
            try TestVector(name: "x", contents: Array("expect: works somehow\nidentity: \(identity)\n\nBRLY".utf8))
        }
        #expect(throws: Never.self) {
            try TestVector(name: "x", contents: Array("expect: no match\nidentity: \(identity)\n\nBRLY".utf8))
        }
    }
}
