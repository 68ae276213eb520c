import ArgumentParser
import Envelope
import Foundation

/// `chair list`: a table of the messages in the local store.
struct ListCommand: ChairSubcommand {
    static let configuration = CommandConfiguration(
        commandName: "list",
        abstract: "List the messages you have pulled.",
        discussion: """
            Example:
              chair list --status new --kind contact-request
              chair list --since 2026-11-01
            """)

    @OptionGroup var options: IdentityOptions
    @OptionGroup var store: StoreOptions

    @Option(help: "Only messages with this status: new, in-progress, contacted, no-contact-possible, closed.")
    var status: String?

    @Option(help: "Only this kind: message or contact-request.")
    var kind: String?

    @Option(help: ArgumentHelp("Only messages received on or after this day.", valueName: "YYYY-MM-DD"))
    var since: String?

    func validate() throws {
        if let status, MessageStatus(typed: status) == nil {
            throw ValidationError(
                "'\(status)' is not a status; use one of: \(MessageStatus.allCases.map(\.rawValue).joined(separator: ", "))"
            )
        }
        if let kind, MessageFilter.kind(typed: kind) == nil {
            throw ValidationError("'\(kind)' is not a kind; use message or contact-request")
        }
        if let since, MessageFilter.day(typed: since) == nil {
            throw ValidationError("'\(since)' is not a day; write it as YYYY-MM-DD, e.g. 2026-11-01")
        }
    }

    func execute() throws(ChairError) {
        let filter = MessageFilter(
            status: status.flatMap(MessageStatus.init(typed:)), kind: kind.flatMap(MessageFilter.kind(typed:)),
            sinceDay: since.flatMap(MessageFilter.day(typed:)))
        let messages = try store.unlock(options).fetchMessagesForChair().filter(filter.matches)
        guard !messages.isEmpty else {
            printStatus(filter.isEmpty ? "chair: no messages yet" : "chair: no messages match")
            printStatus(
                filter.isEmpty ? "hint: run 'chair pull --relay URL' to fetch new ones" : "hint: loosen the filters")
            return
        }
        print(MessageTable.render(messages), terminator: "")
    }
}
