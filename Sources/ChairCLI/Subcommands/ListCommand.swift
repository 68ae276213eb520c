import ArgumentParser
import ChairCore
import ChairStorage
import ChairSync
import Envelope
import Foundation

/// `chair list`: a table of the messages in the local store.
struct ListCommand: ChairSubcommand {
    static let configuration = CommandConfiguration(
        commandName: "list",
        abstract: "List the messages you have pulled.",
        discussion: """
            A * before a number marks a message not read yet with 'chair read'. Envelopes set aside by \
            'chair pull' (ones anyone could have sent, which nothing vouches for) are listed only with \
            --set-aside. Times are in \
            your computer's time zone, named in the heading.

            Example:
              chair list --status new --kind contact-request
              chair list --since 2026-11-01
            """)

    @OptionGroup var options: IdentityOptions
    @OptionGroup var store: StoreOptions

    // Each choice is parsed into its type as it is read, with the words of its error here.
    @Option(
        help: "Only messages with this status: new, in-progress, contacted, no-contact-possible, closed.",
        transform: { typed in
            guard let status = MessageStatus(typed: typed) else {
                throw ValidationError(
                    "'\(typed)' is not a status; use one of: \(MessageStatus.allCases.map(\.rawValue).joined(separator: ", "))"
                )
            }
            return status
        })
    var status: MessageStatus?

    @Option(
        help: "Only this kind: message or contact-request.",
        transform: { typed in
            guard let kind = MessageFilter.kind(typed: typed) else {
                throw ValidationError("'\(typed)' is not a kind; use message or contact-request")
            }
            return kind
        })
    var kind: Submission.Kind?

    @Option(
        help: ArgumentHelp("Only messages received on or after this day.", valueName: "YYYY-MM-DD"),
        transform: { typed in
            guard let day = MessageFilter.day(typed: typed) else {
                throw ValidationError("'\(typed)' is not a day; write it as YYYY-MM-DD, e.g. 2026-11-01")
            }
            return day
        })
    var since: String?

    @Flag(help: "List the envelopes set aside instead: ones anyone could have sent, which nothing vouches for.")
    var setAside = false

    func execute() throws(ChairError) {
        let filter = MessageFilter(status: status, kind: kind, sinceDay: since, setAside: setAside)
        let all = try store.unlock(options).fetchMessagesForChair()
        let messages = all.filter(filter.matches)
        if messages.isEmpty {
            if setAside {
                printStatus("chair: nothing was set aside")
            } else {
                printStatus(filter.isEmpty ? "chair: no messages yet" : "chair: no messages match")
                printStatus(
                    filter.isEmpty
                        ? "hint: run 'chair pull --relay URL' to fetch new ones" : "hint: loosen the filters")
            }
        } else {
            print(MessageTable.render(messages), terminator: "")
            let unread = messages.filter(\.isUnread).count
            if unread > 0, !setAside {
                printStatus(
                    "chair: * marks the \(unread == 1 ? "message" : "\(unread) messages") not read yet ('chair read N')"
                )
            }
        }
        let setAsideCount = all.filter { $0.setAside != nil }.count
        if !setAside, setAsideCount > 0 {
            printStatus(
                "chair: \(setAsideCount) \(setAsideCount == 1 ? "envelope was" : "envelopes were") set aside and "
                    + "\(setAsideCount == 1 ? "is" : "are") not listed ('chair list --set-aside')")
        }
    }
}
