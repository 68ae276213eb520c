import ArgumentParser
import ChairCore
import ChairStorage
import ChairSync
import Envelope
import Foundation
import RelayProtocol

/// `chair read N`: one message in full, on screen or into a private file.
struct ReadCommand: ChairSubcommand {
    static let configuration = CommandConfiguration(
        commandName: "read",
        abstract: "Show one message in full, with its history.",
        discussion: """
            With --output the message goes to a new file that only you can read (mode 0600); \
            an existing file is never overwritten. Reading a message marks it read: 'chair list' \
            marks those not yet read with *.

            Example:
              chair read 3
              chair read 3 --json --output ~/iag-records/message-3.json
            """)

    @OptionGroup var options: IdentityOptions
    @OptionGroup var store: StoreOptions

    @Argument(help: ArgumentHelp("The message's number, as 'chair list' shows it.", valueName: "number"))
    var number: Int64

    @Flag(help: "Write JSON instead of text.")
    var json = false

    @Option(help: ArgumentHelp("Write to this new file instead of the screen.", valueName: "path"))
    var output: String?

    func execute() throws(ChairError) {
        let opened = try store.unlock(options)
        let message = try opened.fetchMessageForChair(number)
        let text = json ? MessageExport.json(message) : MessageExport.text(message)
        if let output {
            try ChairFiles.create(at: output, contents: Array(text.utf8))
            printStatus("chair: wrote message \(number) to \(output), readable only by you")
        } else {
            print(text, terminator: "")
        }
        // Shown first, then marked: a message the chair never saw is never marked read.
        if message.isUnread { try opened.recordForChair(.read, on: number) }
    }
}
