import Envelope
import Foundation
import Sodium
import TestSupport
import Testing

/// A chair identity made through the real `chair init`, in a folder of its own.
struct ChairFixture {
    static let passphrase = "quarry nimbus tulip ferret gazebo"

    let folder: TemporaryDirectory
    var identityPath: String { folder.path("identity") }

    init() async throws {
        folder = try TemporaryDirectory(prefix: "chair-cli")
        let result = try await chair(["init"], passphrase: Self.passphrase)
        guard result.status == 0 else { throw FixtureError(description: result.standardError) }
    }

    /// Runs `chair` with this identity and, if given, a passphrase in the environment.
    func chair(_ arguments: [String], passphrase: String? = nil, input: Data = Data()) async throws -> ProcessResult {
        var environment = ["BLIND_RELAY_IDENTITY": identityPath]
        if let passphrase { environment["BLIND_RELAY_PASSPHRASE"] = passphrase }
        return try await runProduct(
            "chair", arguments, input: input, environment: environment, workingDirectory: folder.url)
    }

    /// The public key file, as exported.
    func exportedKeys() async throws -> PublicKeyFile {
        let result = try await chair(["export"])
        return try PublicKeyFile(parsing: Array(result.standardOutput))
    }

    struct FixtureError: Error, CustomStringConvertible { let description: String }
}

@Suite("The chair command: init, export, open")
struct ChairCLITests {
    @Test("init makes a 0600 identity file and refuses to overwrite it")
    func initCreatesPrivateFile() async throws {
        let fixture = try await ChairFixture()
        let attributes = try FileManager.default.attributesOfItem(atPath: fixture.identityPath)
        #expect((attributes[.posixPermissions] as? Int) == 0o600)
        let before = try Data(contentsOf: URL(fileURLWithPath: fixture.identityPath))

        let again = try await fixture.chair(["init"], passphrase: ChairFixture.passphrase)
        #expect(again.status != 0)
        #expect(again.standardError.contains("already exists"))
        #expect(try Data(contentsOf: URL(fileURLWithPath: fixture.identityPath)) == before)
    }

    @Test(
        "init refuses a weak passphrase with advice, and writes nothing",
        arguments: [
            "short", "aaaaaaaaaaaaaaaa", "123456789012345", "Password1234", "Password123!", "Summer2026!!",
            "qwertyuiop123456", "correct horse battery staple", "lantern okapi velvet harbour", "Liverpool1892!",
            "P@ssw0rd2024", "abcabcabcabcabc", "01/02/1990sunshine",
        ])
    func initRefusesWeakPassphrase(passphrase: String) async throws {
        let folder = try TemporaryDirectory()
        let result = try await runProduct(
            "chair", ["init", "--identity", folder.path("identity")],
            environment: ["BLIND_RELAY_PASSPHRASE": passphrase])
        #expect(result.status != 0)
        #expect(result.standardError.contains("\nchair: the passphrase"))
        #expect(result.standardError.contains("hint: use the passphrase suggested above, or five or more words"))
        #expect(!FileManager.default.fileExists(atPath: folder.path("identity")))
    }

    @Test("init without a passphrase and without a terminal says how to give one")
    func initWithoutTerminalExplains() async throws {
        let folder = try TemporaryDirectory()
        let result = try await runProcess(
            "/usr/bin/setsid",
            [
                "--wait", builtProductsDirectory.appendingPathComponent("chair").path, "init", "--identity",
                folder.path("id"),
            ])
        #expect(result.status != 0)
        #expect(result.standardError.contains("no terminal to ask on"))
        #expect(result.standardError.contains("--passphrase-fd"))
    }

    @Test("export writes the key file the relay reads, with a fingerprint to read aloud, and no passphrase")
    func exportWritesKeyFile() async throws {
        let fixture = try await ChairFixture()
        let result = try await fixture.chair(["export", "--name", "Chair, Anytown IAG", "--output", "keys.pub"])
        #expect(result.status == 0, "\(result.standardError)")
        let file = try PublicKeyFile(
            parsing: Array(try Data(contentsOf: fixture.folder.url.appendingPathComponent("keys.pub"))))
        #expect(file.name == "Chair, Anytown IAG")
        #expect(result.output == "fingerprint: \(file.fingerprint)\n")
        #expect(file.fingerprint.wholeMatch(of: /\d{5} \d{5} \d{5} \d{5}/) != nil)

        let clash = try await fixture.chair(["export", "--name", "Someone else", "--output", "keys.pub"])
        #expect(clash.status != 0)
        #expect(clash.standardError.contains("already exists"))
    }

    @Test("open shows exactly what was sealed, from a binary file, armored text, or standard input")
    func openShowsSubmission() async throws {
        let fixture = try await ChairFixture()
        let keys = try await fixture.exportedKeys()
        let submission = Submission(
            message: "Abuse on the 38 bus 🚌 — שלום — Diolch", categories: [.race], location: "Bus 38",
            contact: ContactRequest(name: "Sam", method: .text, details: "07700 900456", mayLeaveMessage: false))
        let envelope = try Envelope.seal(submission, to: [keys.encryptionKey])
        try Data(envelope).write(to: fixture.folder.url.appendingPathComponent("message.envelope"))
        let armored = Armor.encode(envelope, label: Armor.envelopeLabel)

        for (arguments, input) in [
            (["open", "message.envelope"], Data()), (["open", "-"], Data(armored.utf8)),
            (["open", "-"], Data(envelope)),
        ] {
            let result = try await fixture.chair(arguments, passphrase: ChairFixture.passphrase, input: input)
            #expect(result.status == 0, "\(result.standardError)")
            #expect(result.output.contains("Abuse on the 38 bus 🚌 — שלום — Diolch"))
            #expect(result.output.contains("Kind:             contact request"))
            #expect(result.output.contains("07700 900456"))
            #expect(result.output.contains("no, do not leave a message"))
        }
    }

    @Test("open reads the passphrase from a file descriptor")
    func openReadsPassphraseFromDescriptor() async throws {
        let fixture = try await ChairFixture()
        let envelope = try Envelope.seal(
            Submission(message: "via fd"), to: [await fixture.exportedKeys().encryptionKey])
        try Data(envelope).write(to: fixture.folder.url.appendingPathComponent("e"))
        let result = try await fixture.chair(
            ["open", "--passphrase-fd", "0", "e"], input: Data((ChairFixture.passphrase + "\n").utf8))
        #expect(result.status == 0, "\(result.standardError)")
        #expect(result.output.contains("via fd"))
    }

    @Test("open with a wrong passphrase fails clearly and shows nothing")
    func openWithWrongPassphraseFails() async throws {
        let fixture = try await ChairFixture()
        let envelope = try Envelope.seal(
            Submission(message: "secret text"), to: [await fixture.exportedKeys().encryptionKey])
        let result = try await fixture.chair(
            ["open", "-"], passphrase: "quarry nimbus tulip ferret gazebos", input: Data(envelope))
        #expect(result.status == 1)
        #expect(result.standardError.contains("\nchair: the passphrase is wrong"))
        #expect(result.standardError.contains("\nhint: "))
        #expect(!result.output.contains("secret text"))
    }

    @Test("an envelope for someone else is refused as not addressed to this identity")
    func openRefusesSomeoneElsesEnvelope() async throws {
        let fixture = try await ChairFixture()
        let envelope = try Envelope.seal(Submission(message: "not yours"), to: [BoxKeyPair.generate().publicKey])
        let result = try await fixture.chair(["open", "-"], passphrase: ChairFixture.passphrase, input: Data(envelope))
        #expect(result.status == 1)
        #expect(result.standardError.contains("is not addressed to this identity"))
        #expect(result.output.isEmpty)
    }

    @Test(
        "open refuses damaged input before asking for the passphrase",
        arguments: [
            ("hello", "not a Blind Relay envelope"),
            ("-----BEGIN BLIND RELAY ENVELOPE-----\nQlJMWQ==\n", "armored text is malformed"),
        ])
    func openRefusesDamagedInput(input: String, expected: String) async throws {
        let folder = try TemporaryDirectory()
        let result = try await runProduct(
            "chair", ["open", "--identity", folder.path("none"), "-"], input: Data(input.utf8))
        #expect(result.status == 1)
        #expect(result.standardError.contains(expected), "\(result.standardError)")
    }

    @Test("a world-readable identity file draws a warning")
    func worldReadableIdentityWarns() async throws {
        let fixture = try await ChairFixture()
        try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: fixture.identityPath)
        let result = try await fixture.chair(["export"])
        #expect(result.status == 0)
        #expect(result.standardError.contains("chair: warning: the identity file"))
        #expect(result.standardError.contains("chmod 600"))
    }

    @Test("control characters in a submission cannot drive the chair's terminal")
    func controlCharactersAreNeutralised() async throws {
        let fixture = try await ChairFixture()
        let envelope = try Envelope.seal(
            Submission(message: "before\u{1B}[2Jafter\r\nnext\u{07}"), to: [await fixture.exportedKeys().encryptionKey])
        let result = try await fixture.chair(["open", "-"], passphrase: ChairFixture.passphrase, input: Data(envelope))
        #expect(result.status == 0)
        #expect(!result.output.contains("\u{1B}"))
        #expect(!result.output.contains("\u{07}"))
        #expect(result.output.contains("before\u{FFFD}[2Jafter\nnext\u{FFFD}"))
    }

    @Test("list's choices are parsed into their types as they are read, each refusal in plain words")
    func listChoicesAreTyped() async throws {
        let fixture = try await ChairFixture()
        for (arguments, words) in [
            (["--status", "finished"], "'finished' is not a status; use one of: new, in progress, contacted"),
            (["--kind", "letter"], "'letter' is not a kind; use message or contact-request"),
            (["--since", "yesterday"], "'yesterday' is not a day; write it as YYYY-MM-DD"),
        ] {
            let result = try await fixture.chair(["list"] + arguments, passphrase: ChairFixture.passphrase)
            #expect(result.status != 0)
            #expect(result.standardError.contains(words), "\(result.standardError)")
        }
        let fine = try await fixture.chair(
            ["list", "--status", "new", "--kind", "contact", "--since", "2026-11-01"],
            passphrase: ChairFixture.passphrase)
        #expect(fine.status == 0, "\(fine.standardError)")
    }
}
