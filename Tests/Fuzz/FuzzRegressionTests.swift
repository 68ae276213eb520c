import Envelope
import FormDecoding
import Foundation
import RelayProtocol
import Sodium
import Testing

/// Every input `make fuzz` ever saved, run through the same calls as the fuzz targets: each must
/// come back with a result or a typed error, never a crash.
@Suite("Fuzz regressions")
struct FuzzRegressionTests {
    static let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent(
        "Regressions")

    static func inputs(_ target: String) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: folder.appendingPathComponent(target).path)) ?? [])
            .sorted()
    }

    @Test("envelope inputs are refused or opened, never crash", arguments: inputs("envelope"))
    func envelopeInput(name: String) throws {
        let bytes = Array(try Data(contentsOf: Self.folder.appendingPathComponent("envelope/\(name)")))
        let key = BoxKeyPair.derive(seed: SecretBytes(copying: [UInt8](repeating: 7, count: 32)))
        _ = try? Armor.decode(bytes, label: Armor.envelopeLabel)
        _ = try? EnvelopeHeader(validating: bytes)
        #expect(throws: EnvelopeError.self) { try Envelope.open(bytes, with: key) }
        _ = try? SubmissionRecord.decode(SecretBytes(copying: bytes))
        _ = try? PublicKeyFile(parsing: bytes)
    }

    @Test("form inputs decode to fields or a problem, never crash", arguments: inputs("form"))
    func formInput(name: String) throws {
        let bytes = Array(try Data(contentsOf: Self.folder.appendingPathComponent("form/\(name)")))
        let fields = bytes.withUnsafeBytes { FormFields(decoding: $0) }
        #expect(fields.values.count <= FormFields.maximumFieldCount)
    }

    @Test("chair API inputs parse to bounded numbers or are refused, never crash", arguments: inputs("api"))
    func apiInput(name: String) throws {
        let text = String(
            decoding: try Data(contentsOf: Self.folder.appendingPathComponent("api/\(name)")), as: UTF8.self)
        if let timestamp = APINumbers.parseTimestamp(text) { #expect(timestamp <= APINumbers.maximumTimestamp) }
        if let query = try? EnvelopeQuery(parsing: text) { #expect(query.after <= APINumbers.maximumSequence) }
    }

    @Test("relay answers decode to bounded values or are refused, never crash", arguments: inputs("answers"))
    func answerInput(name: String) throws {
        let bytes = try Data(contentsOf: Self.folder.appendingPathComponent("answers/\(name)"))
        _ = try? RelayAnswer.identity(bytes)
        _ = try? RelayAnswer.recipientSets(bytes, maximumSets: 10_000)
        if let acknowledged = try? RelayAnswer.acknowledgement(bytes) {
            #expect(acknowledged.deleted >= 0 && acknowledged.acknowledged <= APINumbers.maximumSequence)
        }
        if let page = try? RelayAnswer.envelopePage(bytes, limit: 250) {
            var spans = LostSpans()
            spans.add(page.lost ?? [])
            for envelope in page.envelopes { #expect(spans.crossing(from: envelope.sequence) >= envelope.sequence) }
        }
    }

    @Test("the seeds a hostile relay could send are refused: Int64.max deleted, a negative head")
    func hostileSeedsAreRefused() throws {
        let deleted = try Data(contentsOf: Self.folder.appendingPathComponent("answers/seed-deleted-int64-max"))
        #expect(throws: RelayAnswer.Problem.outOfRange) { try RelayAnswer.acknowledgement(deleted) }
        let page = try Data(contentsOf: Self.folder.appendingPathComponent("answers/seed-page-extremes"))
        #expect(throws: RelayAnswer.Problem.outOfRange) { try RelayAnswer.envelopePage(page, limit: 250) }
    }

    @Test("there are inputs to replay")
    func inputsExist() {
        #expect(Self.inputs("envelope").count >= 3)
        #expect(Self.inputs("form").count >= 2)
        #expect(Self.inputs("api").count >= 3)
        #expect(Self.inputs("answers").count >= 4)
    }
}
