import ArgumentParser
import ChairCore
import ChairStorage
import ChairSync
import Foundation
import Sodium

/// `chair canary`: messages of your own, sent through the public form like a person's, that show
/// whether the relay keeps what it is given.
struct CanaryCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "canary",
        abstract: "Send test messages through the public form, and see whether they all arrived.",
        discussion: """
            A canary is sealed and posted exactly as a person's browser posts a message, so neither \
            the relay's host nor its disk can tell it from one. Your next pull sets it aside (it \
            never shows among your messages) and marks it arrived. One that a pull begun after it \
            was sent does not find was deleted after the relay gave it a receipt. Send them now and \
            then, at random times (for example from a scheduled task).

            Example:
              chair canary send --relay https://contact.example.police.uk
              chair pull --relay https://contact.example.police.uk
              chair canary status
            """,
        subcommands: [SendCanary.self, CanaryStatus.self])
}

struct SendCanary: AsyncChairSubcommand {
    static let configuration = CommandConfiguration(
        commandName: "send", abstract: "Send one canary through the relay's public form.")

    @OptionGroup var options: IdentityOptions
    @OptionGroup var store: StoreOptions

    @OptionGroup var relayOption: RelayOption

    @Option(
        help: ArgumentHelp(
            "Seconds on the form page before sending (default: a random 20 to 240, as a person takes).",
            valueName: "seconds"))
    var wait: Double?

    func validate() throws {
        if let wait, !(0...3_600).contains(wait) { throw ValidationError("--wait must be 0 to 3600 seconds") }
    }

    func execute() async throws(ChairError) {
        let identity = try options.unlock()
        let messages = try store.open(identityPath: options.identityPath, identity: identity)
        let relay = try relayOption.address(remembered: messages)
        let client = try await RelayClient.connectForChair(address: relay, signer: identity.signing)
        let sender = CanarySender(
            relayAddress: relay, client: client, store: messages,
            identity: identity, secondsOnPage: wait ?? Double(20 + RandomBytes.uniform(below: 221)))
        let canary: ChairStore.Canary
        do {
            canary = try await sender.send()
        } catch {
            throw ChairError(error, during: .canary)
        }
        printStatus("chair: sent a canary; the relay gave it the receipt code \(canary.receipt)")
        printStatus("hint: your next 'chair pull' should find it; 'chair canary status' says whether it did")
    }
}

struct CanaryStatus: ChairSubcommand {
    static let configuration = CommandConfiguration(
        commandName: "status", abstract: "Say which canaries arrived, and which never did.")

    @OptionGroup var options: IdentityOptions
    @OptionGroup var store: StoreOptions

    func execute() throws(ChairError) {
        let canaries: [(number: Int64, canary: ChairStore.Canary)]
        do {
            canaries = try store.unlock(options).fetchCanaries()
        } catch let error as ChairError {
            throw error
        } catch {
            throw ChairError("cannot read your message store", hint: "check the file named by --store")
        }
        guard !canaries.isEmpty else {
            printStatus("chair: no canaries sent yet")
            printStatus("hint: 'chair canary send --relay URL' sends one")
            return
        }
        let format = Date.ISO8601FormatStyle().year().month().day().dateSeparator(.dash).time(
            includingFractionalSeconds: false)
        var missing = 0
        for (number, canary) in canaries {
            let sent = canary.sent.formatted(format)
            let state: String
            if let sequence = canary.arrivedAs {
                state = "arrived as the relay's envelope \(sequence)"
            } else if canary.missingSince != nil {
                missing += 1
                state =
                    "MISSING: the relay gave it a receipt, but a complete pull begun after it was sent did not find it"
            } else {
                state = "not yet pulled"
            }
            print("canary \(number): sent \(sent) UTC, receipt \(canary.receipt): \(state)")
        }
        if missing > 0 {
            throw ChairError(
                "\(missing) canary message\(missing == 1 ? "" : "s") never arrived: the relay stored \(missing == 1 ? "it" : "them") and then lost \(missing == 1 ? "it" : "them") without a trace in its history, so real messages may have gone the same way",
                hint: "tell the group and the relay's host; ask the host what was deleted or restored, and when")
        }
    }
}
