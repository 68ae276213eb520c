import ArgumentParser
import RelayProtocol

/// `chair read N`: one message in full.
struct ReadCommand: ChairSubcommand {
    static let configuration = CommandConfiguration(
        commandName: "read",
        abstract: "Show one message in full.",
        discussion: """
            Example:
              chair read 3
            """)

    @OptionGroup var options: IdentityOptions
    @OptionGroup var store: StoreOptions

    @Argument(help: ArgumentHelp("The message's number, as 'chair list' shows it.", valueName: "number"))
    var number: Int64

    func execute() throws(ChairError) {
        let identity = try options.unlock()
        let found: ChairStore.Message?
        do {
            found = try store.open(identityPath: options.identityPath, identity: identity).fetchMessage(number: number)
        } catch let error as ChairError {
            throw error
        } catch {
            throw ChairError("cannot read your message store: \(error)", hint: "restore it from your backup")
        }
        guard let message = found else {
            throw ChairError("there is no message \(number)", hint: "'chair list' shows the numbers there are")
        }
        print("Message \(message.number)")
        print("Received:         \(ReceivedText.long(message.receivedHour))")
        print("Receipt code:     \(ReceiptCode.make(chain: message.chain))")
        guard let submission = message.submission else {
            print("\nThis envelope could not be opened: \(message.problem ?? "unknown reason").")
            return
        }
        print(SubmissionText.render(submission), terminator: "")
    }
}
