import ArgumentParser
import ChairCore
import ChairStorage
import ChairSync
import RelayProtocol

/// `chair find CODE`: which message a receipt code belongs to, so that a person who calls can be
/// told whether theirs arrived.
struct FindCommand: ChairSubcommand {
    static let configuration = CommandConfiguration(
        commandName: "find",
        abstract: "Find the message a receipt code belongs to.",
        discussion: """
            Someone who sent a message was shown a receipt code such as 7KQX-M2PD-9HTA. Pull \
            first, so that everything the relay holds is here. Spaces, dashes and small letters \
            in the code do not matter.

            Example:
              chair pull --relay https://contact.example.police.uk
              chair find 7KQX-M2PD-9HTA
            """)

    @OptionGroup var options: IdentityOptions
    @OptionGroup var store: StoreOptions

    @Argument(help: ArgumentHelp("The receipt code, as the person read it out.", valueName: "code"))
    var code: String

    func validate() throws {
        guard ReceiptCode.normalise(code) != nil else {
            throw ValidationError(
                "'\(code)' is not a receipt code: it has 12 letters and digits, like 7KQX-M2PD-9HTA")
        }
    }

    func execute() throws(ChairError) {
        guard let wanted = ReceiptCode.normalise(code) else { return }
        let opened = try store.unlock(options)
        let messages = try opened.fetchMessagesForChair()
        guard let found = messages.first(where: { ReceiptCode.make(chain: $0.chain) == wanted }) else {
            if try opened.fetchKeptCountsForChair().deletedReceipts.contains(
                ChairStore.KeptCounts.digest(ofReceipt: wanted))
            {
                print("Receipt code \(wanted) arrived, and its message has since been deleted from this store.")
                printStatus("hint: you can tell the person it reached the group; its content is no longer kept")
                return
            }
            throw ChairError(
                "no message here has the receipt code \(wanted)",
                hint:
                    "run 'chair pull' and try again; if it is still not found, the message did not reach the relay, or it was lost there: ask the person to send it again, and tell the relay's host"
            )
        }
        let kind =
            found.submission?.kind.rawValue
            ?? (found.setAside == nil
                ? "a message that could not be opened" : "an envelope set aside, which nothing vouches for")
        print(
            "Receipt code \(wanted) is message \(found.number): \(kind), received \(ReceivedText.long(found.receivedHour)), status \(found.status.rawValue)."
        )
        printStatus("hint: 'chair read \(found.number)' shows it")
    }
}
