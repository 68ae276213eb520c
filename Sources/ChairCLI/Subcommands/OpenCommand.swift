import ArgumentParser
import ChairCore
import ChairStorage
import ChairSync
import Envelope
import Foundation
import Sodium

/// `chair open`: opens one envelope from a file or standard input and shows what is inside.
struct OpenCommand: ChairSubcommand {
    static let configuration = CommandConfiguration(
        commandName: "open",
        abstract: "Open one envelope (binary or armored text) and show the submission.",
        discussion: """
            Example:
              chair open message.envelope
              pbpaste | chair open -
            """)

    @OptionGroup var options: IdentityOptions

    @Argument(help: ArgumentHelp("The envelope file, or - for standard input.", valueName: "file"))
    var file: String

    func execute() throws(ChairError) {
        let data = try readInput()
        let envelope: [UInt8]
        do {
            envelope = try Envelope.decodeAnyForm(data)
            _ = try EnvelopeHeader(validating: envelope)
        } catch {
            throw Self.explain(error, file: file)
        }
        let identity = try options.unlock()
        let record: SecretBytes
        do {
            record = try Envelope.openRecord(envelope, with: identity.encryption)
        } catch {
            throw Self.explain(error, file: file)
        }
        // The same rules as a pull: a canary is never shown as a person's message.
        switch RecordTriage.ofRecord(record) {
        case .canary:
            printStatus(
                "chair: \(Self.source(file)) is a delivery canary (a reader's test message), not a person's message")
            printStatus("hint: 'chair canary status' shows whether yours arrived; 'chair pull' sets canaries aside")
            return
        case .setAside(let reason):
            // Only the record's own rules apply here, and they break as a record failure.
            let rule = if case .recordFailure(let rule) = reason { rule } else { SetAsideText.reason(reason) }
            throw Self.explain(.recordFailure(rule), file: file)
        case .message(let submission):
            print(SubmissionText.render(submission), terminator: "")
        }
    }

    private static func source(_ file: String) -> String {
        file == "-" ? "the envelope on standard input" : file
    }

    private func readInput() throws(ChairError) -> [UInt8] {
        if file == "-" {
            return Array(FileHandle.standardInput.readDataToEndOfFile())
        }
        return try ChairFiles.read(file, what: "envelope", hint: "check the file name")
    }

    static func explain(_ error: EnvelopeError, file: String) -> ChairError {
        let source = source(file)
        switch error {
        case .notAddressedToThisIdentity:
            return ChairError(
                "\(source) is not addressed to this identity",
                hint: "it was sealed to another key; check with 'chair export' that the relay has your current key")
        case .notAnEnvelope, .armorFailure:
            return ChairError(
                "\(source): \(error)", hint: "was a whole Blind Relay envelope given, with nothing else around it?")
        case .truncated:
            return ChairError(
                "\(source): \(error)", hint: "it may have been cut off when copied; copy it again in full")
        case .unsupportedVersion, .unsupportedRecordVersion:
            return ChairError("\(source): \(error)", hint: "update the chair tool to the latest version")
        default:
            return ChairError(
                "\(source): \(error)",
                hint: "it cannot be trusted; ask for it again, and tell the relay's host if this keeps happening")
        }
    }
}
