// The limits `make bench` compares the relay with, measured in this process: the sealing and
// opening rates of libsodium and of our envelope library, and durable appends of the store.
// Also fills a relay store for the chair's pull benchmark. Prints one JSON object per line.
import ArgumentParser
import CSodium
import Envelope
import Foundation
import NIOCore
import NIOPosix
import RelayKit
import RelayProtocol
import Sodium

@main
enum RelayBenchMain {
    static func main() async {
        // As in the relay, so that the HTTP floor is measured on the same footing.
        NIOSingletons.unsafeTryInstallSingletonPosixEventLoopGroupAsConcurrencyGlobalExecutor()
        await RelayBench.main(nil)
    }
}

struct RelayBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "relay-bench", abstract: "Measure the crypto and storage limits, or fill a relay store.",
        subcommands: [Limits.self, Fill.self, Sample.self, Bodies.self, HTTPFloor.self])
}

/// Runs `body` repeatedly for about `duration` seconds and returns operations per second.
func rate(seconds duration: Double, _ body: () throws -> Void) rethrows -> Double {
    let clock = ContinuousClock()
    let start = clock.now
    var count = 0
    while true {
        for _ in 0..<16 { try body() }
        count += 16
        let elapsed = secondsIn(clock.now - start)
        if elapsed >= duration { return Double(count) / elapsed }
    }
}

/// A duration as a number of seconds.
func secondsIn(_ duration: Duration) -> Double {
    Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
}

func emit(_ name: String, _ value: Double, unit: String) {
    print("{\"name\": \"\(name)\", \"value\": \(Int(value.rounded())), \"unit\": \"\(unit)\"}")
}

struct Limits: AsyncParsableCommand {
    @Option(help: "Seconds per measurement.") var seconds = 3.0
    @Option(help: "Folder for the store's SQLite file.") var folder: String

    func run() async throws {
        // About 2 KiB, like the form the relay benchmark posts.
        let message = Submission(message: String(repeating: "A realistic account of what happened. ", count: 54))
        let first = BoxKeyPair.generate()
        let second = BoxKeyPair.generate()
        let plaintext = SecretBytes(copying: [UInt8](repeating: 0x61, count: 2048))
        var box = [UInt8](repeating: 0, count: 2048 + SealedBox.overhead)
        emit(
            "bare crypto_box_seal 2 KiB",
            rate(seconds: seconds) {
                let status = plaintext.withPointer { crypto_box_seal(&box, $0, 2048, first.publicKey) }
                precondition(status == 0, "crypto_box_seal refused a freshly made key")
            }, unit: "per second")
        emit(
            "bare crypto_box_seal_open 2 KiB",
            rate(seconds: seconds) { _ = SealedBox.open(box[...], with: first) }, unit: "per second")
        emit(
            "envelope seal, 1 recipient",
            try rate(seconds: seconds) { _ = try Envelope.seal(message, to: [first.publicKey]) }, unit: "per second")
        emit(
            "envelope seal, 2 recipients",
            try rate(seconds: seconds) { _ = try Envelope.seal(message, to: [first.publicKey, second.publicKey]) },
            unit: "per second")
        let envelope = try Envelope.seal(message, to: [first.publicKey])
        emit(
            "envelope open", try rate(seconds: seconds) { _ = try Envelope.open(envelope, with: first) },
            unit: "per second")

        // What single-use tokens add to each post: a token checked, then claimed.
        let tokens = FormTokens(key: SecretBytes.random(count: 32), minimumSeconds: 0, proofOfWorkBits: 1)
        emit(
            "form token issue + check + claim",
            rate(seconds: seconds) {
                let token = tokens.issue()
                precondition(tokens.check(token) == nil && tokens.claim(token), "a fresh token was refused")
            }, unit: "per second")

        let store = try EnvelopeStore(path: folder + "/bench-store.sqlite", maximumEnvelopes: .max, maximumBytes: .max)
        let clock = ContinuousClock()
        for batch in [1, 64] {
            let start = clock.now
            var rows = 0
            while clock.now - start < .seconds(seconds) {
                _ = try await store.appendEnvelopes(Array(repeating: envelope, count: batch))
                rows += batch
            }
            emit(
                "store appends, \(batch) per transaction", Double(rows) / secondsIn(clock.now - start),
                unit: "rows per second")
        }
    }
}

struct Fill: AsyncParsableCommand {
    @Option(help: "The relay's data folder.") var dataDir: String
    @Option(help: "The signed recipients set to seal to (chair recipients create).") var recipients: String
    @Option(help: "How many envelopes.") var count: Int

    func run() async throws {
        let set = try RecipientSet(parsing: Array(try Data(contentsOf: URL(fileURLWithPath: recipients))))
        try FileManager.default.createDirectory(atPath: dataDir, withIntermediateDirectories: true)
        let store = try EnvelopeStore(path: dataDir + "/envelopes.sqlite", maximumEnvelopes: .max, maximumBytes: .max)
        var written = 0
        while written < count {
            let batch = min(1_000, count - written)
            let envelopes = try (0..<batch).map { index in
                try Envelope.seal(
                    Submission(message: "Message \(written + index): " + String(repeating: "words ", count: 300)),
                    to: set)
            }
            _ = try await store.appendEnvelopes(envelopes)
            written += batch
        }
        print("{\"filled\": \(written)}")
    }
}

/// Prints one envelope, base64, sealed to a recipients set: what a browser would post.
struct Sample: AsyncParsableCommand {
    @Option(help: "The signed recipients set to seal to.") var recipients: String

    func run() async throws {
        let set = try RecipientSet(parsing: Array(try Data(contentsOf: URL(fileURLWithPath: recipients))))
        let envelope = try Envelope.seal(
            Submission(message: String(repeating: "A realistic account of what happened. ", count: 54)), to: set)
        print(Base64.encode(envelope))
    }
}

/// Writes one urlencoded post a line, each with its own form token signed with the relay's key
/// (read from its data folder), so that wrk can post thousands of forms that are all fresh:
/// single-use tokens would refuse a body sent twice.
struct Bodies: AsyncParsableCommand {
    @Option(help: "The relay's data folder (it holds form-token.key).") var dataDir: String
    @Option(help: "How many posts.") var count: Int
    @Option(help: "The fields of a form as typed (urlencoded), or empty for browser-sealed posts.") var form = ""
    @Option(help: "A base64 envelope for browser-sealed posts.") var envelope = ""
    @Option(help: "The relay's proof_of_work_bits.") var bits = 0
    @Option(help: "Where to write the posts.") var output: String

    func run() async throws {
        let key = try FormTokens.loadOrCreateKey(dataDirectory: dataDir)
        // Issued a minute ago, so min_seconds_on_page never refuses them.
        let issued = Int64(Date().timeIntervalSince1970) - 60
        let tokens = FormTokens(key: key, minimumSeconds: 0, proofOfWorkBits: bits) { issued }
        let envelopeBytes = envelope.isEmpty ? [] : (Base64.decode(envelope) ?? [])
        let encodedEnvelope = envelope.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? ""
        var text = ""
        text.reserveCapacity(count * (form.utf8.count + encodedEnvelope.utf8.count + 200))
        for _ in 0..<count {
            let token = tokens.issue()
            if envelopeBytes.isEmpty {
                text += "form_token=\(token)&\(form)\n"
            } else {
                let proof = ProofOfWork.solve(ProofOfWork.challenge(token: token, envelope: envelopeBytes), bits: bits)
                text += "form_token=\(token)&pow=\(proof)&envelope=\(encodedEnvelope)\n"
            }
        }
        try Data(text.utf8).write(to: URL(fileURLWithPath: output))
    }
}
