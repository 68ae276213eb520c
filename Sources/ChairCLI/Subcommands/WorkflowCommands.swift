import ArgumentParser
import ChairCore
import ChairStorage
import ChairSync
import Envelope
import Foundation

/// `chair status N STATUS`: moves a message along new → in progress → contacted / no contact
/// possible → closed.
struct StatusCommand: ChairSubcommand {
    static let configuration = CommandConfiguration(
        commandName: "status",
        abstract: "Set where you are with a message.",
        discussion: """
            Statuses: new, in-progress, contacted, no-contact-possible, closed. \
            Only the chair's own store changes; nothing goes back to the relay.

            Example:
              chair status 4 in-progress
              chair status 4 contacted
            """)

    @OptionGroup var options: IdentityOptions
    @OptionGroup var store: StoreOptions

    @Argument(help: ArgumentHelp("The message's number.", valueName: "number"))
    var number: Int64

    @Argument(help: ArgumentHelp("The new status.", valueName: "status"))
    var status: String

    func execute() throws(ChairError) {
        let opened = try store.unlock(options)
        let message = try opened.fetchMessageForChair(number)
        let allowed = message.allowedNextStatuses
        let allowedText = allowed.map(\.rawValue).joined(separator: ", ")
        guard let target = MessageStatus(typed: status) else {
            throw ChairError(
                "'\(status)' is not a status", hint: "from \(message.status.rawValue) it can move to: \(allowedText)")
        }
        if target.isContactOutcome, !message.isContactRequest {
            throw ChairError(
                "message \(number) is not a contact request, so it cannot be marked \(target.rawValue)",
                hint: allowed.isEmpty ? "it cannot change status" : "it can move to: \(allowedText)")
        }
        guard allowed.contains(target) else {
            throw ChairError(
                "message \(number) cannot go from \(message.status.rawValue) to \(target.rawValue)",
                hint: allowed.isEmpty
                    ? "it cannot change status" : "from \(message.status.rawValue) it can move to: \(allowedText)")
        }
        try opened.recordForChair(.status(target), on: number)
        printStatus("chair: message \(number) is now \(target.rawValue)")
    }
}

/// `chair note N "text"`: a dated note on a message.
struct NoteCommand: ChairSubcommand {
    static let configuration = CommandConfiguration(
        commandName: "note",
        abstract: "Add a dated note to a message.",
        discussion: """
            Example:
              chair note 4 "Rang at 14:10, left no message as asked. Will try Thursday."
            """)

    @OptionGroup var options: IdentityOptions
    @OptionGroup var store: StoreOptions

    @Argument(help: ArgumentHelp("The message's number.", valueName: "number"))
    var number: Int64

    @Argument(help: ArgumentHelp("The note.", valueName: "text"))
    var text: String

    func validate() throws {
        guard !text.allSatisfy(\.isWhitespace) else {
            throw ValidationError("the note is empty; write something to save")
        }
    }

    func execute() throws(ChairError) {
        let opened = try store.unlock(options)
        _ = try opened.fetchMessageForChair(number)
        try opened.recordForChair(.note(text), on: number)
        printStatus("chair: added a note to message \(number)")
    }
}

/// `chair contacts`: who asked to be contacted and is still waiting, oldest first.
struct ContactsCommand: ChairSubcommand {
    static let configuration = CommandConfiguration(
        commandName: "contacts",
        abstract: "The open requests to be contacted, oldest first, with how to reach each person.",
        discussion: """
            A request is open until you set it to contacted, no-contact-possible or closed.

            Example:
              chair contacts --overdue-days 5
              chair status 7 contacted
            """)

    @OptionGroup var options: IdentityOptions
    @OptionGroup var store: StoreOptions

    @Option(help: "Mark requests waiting at least this many days as OVERDUE.")
    var overdueDays = 7

    func validate() throws {
        guard overdueDays >= 0 else { throw ValidationError("--overdue-days cannot be negative") }
    }

    func execute() throws(ChairError) {
        let rule = OverdueRule(days: overdueDays)
        let open = try store.unlock(options).fetchMessagesForChair().filter(\.isOpenContactRequest)
        guard !open.isEmpty else {
            printStatus("chair: no open contact requests")
            return
        }
        print(ContactList.render(open, rule: rule, now: Date()), terminator: "")
    }
}
