import Envelope
import Foundation
import Sodium
import TestSupport
import Testing

/// Debian's python3-nacl is installed for the system Python, not for whatever is first on PATH.
let systemPython = "/usr/bin/python3"
let interopScript = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    .appendingPathComponent("Interop/envelope.py").path

@Suite("Interoperability with an independent implementation (PyNaCl)")
struct InteroperabilityTests {
    @Test("PyNaCl opens our stanza as a standard sealed box, and the whole envelope from the spec")
    func pythonOpensOurEnvelope() async throws {
        let first = BoxKeyPair.generate()
        let second = BoxKeyPair.generate()
        let submission = Submission(message: "Interop ✓ مرحبا", categories: [.disability, .age], formLanguage: "en")
        let envelope = try Envelope.seal(submission, to: [first.publicKey, second.publicKey])
        let expectedRecord = try SubmissionRecord.encode(submission).withUnsafeBytes { Hex.encode($0) }
        for recipient in [first, second] {
            let secretHex = recipient.secretKey.withUnsafeBytes { Hex.encode($0) }
            let result = try await runProcess(systemPython, [interopScript, "open", secretHex], input: Data(envelope))
            #expect(result.status == 0, "\(result.standardError)")
            #expect(result.output.trimmingCharacters(in: .whitespacesAndNewlines) == expectedRecord)
        }
    }

    @Test("we open an envelope PyNaCl sealed from the spec, to two recipients")
    func weOpenPythonsEnvelope() async throws {
        let first = BoxKeyPair.generate()
        let second = BoxKeyPair.generate()
        let submission = Submission(
            message: String(repeating: "long enough for the middle size class. ", count: 120),
            contact: ContactRequest(method: .email, details: "me@example.org"))
        let record = try SubmissionRecord.encode(submission).withUnsafeBytes { Data($0) }
        let result = try await runProcess(
            systemPython, [interopScript, "seal", Hex.encode(first.publicKey), Hex.encode(second.publicKey)],
            input: record)
        #expect(result.status == 0, "\(result.standardError)")
        let envelope = Array(result.standardOutput)
        #expect(try EnvelopeHeader(validating: envelope).sizeClass == .medium)
        #expect(try Envelope.open(envelope, with: first) == submission)
        #expect(try Envelope.open(envelope, with: second) == submission)
    }
}
