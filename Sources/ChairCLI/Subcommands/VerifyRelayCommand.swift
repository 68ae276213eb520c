import ArgumentParser
import ChairCore
import ChairStorage
import ChairSync
import Foundation
import RelayProtocol

/// `chair verify-relay`: is the host serving the released form, sealing to the group?
struct VerifyRelayCommand: AsyncChairSubcommand {
    static let configuration = CommandConfiguration(
        commandName: "verify-relay",
        abstract: "Check that the relay serves the released form, sealed to the people you signed for.",
        discussion: """
            Fetches the form in English and Welsh, every script and stylesheet it loads, the relay's \
            list of its assets and the keys the form seals to, and compares them with the release \
            this chair came in (share/blind-relay/SERVED beside it) and with your signed recipients \
            set. Names every difference and exits 1 if there is any. Run it from a network the host \
            does not control (your home, a phone's hotspot), so you see what the public sees.

            Example:
              chair verify-relay --relay https://contact.example.police.uk
            """)

    @OptionGroup var options: IdentityOptions
    @OptionGroup var store: StoreOptions

    @OptionGroup var relayOption: RelayOption

    func execute() async throws(ChairError) {
        guard let released = Release.servedAssets() else {
            throw ChairError(
                "this chair has no release files to compare the relay with (share/blind-relay/SERVED beside it is missing or damaged: a development build, or an incomplete install)",
                hint: "run the chair from the release tarball (bin/chair), which has share/blind-relay/SERVED beside it"
            )
        }
        let identity = try options.unlock()
        let messages = try store.open(identityPath: options.identityPath, identity: identity)
        let relay = try relayOption.address(remembered: messages)
        guard let base = URL(string: relay + "/") else {
            throw ChairError(
                "'\(relay)' is not a web address",
                hint: "give the relay's address, e.g. --relay https://contact.example.police.uk")
        }
        let client = try await RelayClient.connectForChair(address: relay, signer: identity.signing)
        let report: RelayVerifier.Report
        do {
            let group = try await GroupRecipients.load(from: client, store: messages, identity: identity)
            let verifier = RelayVerifier(
                relayAddress: relay, base: base, released: released, group: group,
                ownKey: identity.encryption.publicKey)
            report = try await verifier.verify()
        } catch {
            throw ChairError(error, during: .audit)
        }
        for line in report.checked { print("checked: \(AuditText.checked(line))") }
        for difference in report.differences { print("difference: \(AuditText.difference(difference))") }
        guard report.differences.isEmpty else {
            throw ChairError(
                "the relay differs from release \(Release.version) in \(report.differences.count) way\(report.differences.count == 1 ? "" : "s")",
                hint:
                    "do not tell the public the form is safe until this is explained; send this output to the group and the relay's host"
            )
        }
        print("chair: the relay serves the released form (release \(Release.version)), sealed to your group")
    }
}
