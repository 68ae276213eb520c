import ArgumentParser
import ChairCore
import ChairStorage
import ChairSync
import Foundation

/// `chair delete N…`: deletes messages for good, keeping only their counts.
struct DeleteCommand: ChairSubcommand {
    static let configuration = CommandConfiguration(
        commandName: "delete",
        abstract: "Delete messages for good, keeping only their counts for 'chair stats'.",
        discussion: """
            It names what will go and asks you to type 'delete' to confirm (a script confirms with \
            --yes). What is deleted is overwritten in your store, and cannot be brought back except \
            from a backup made before: make a new backup, then destroy the older ones.

            Example:
              chair delete 4
            """)

    @OptionGroup var options: IdentityOptions
    @OptionGroup var store: StoreOptions

    @Argument(help: ArgumentHelp("The numbers of the messages to delete.", valueName: "number"))
    var numbers: [Int64]

    @Flag(help: "Delete without asking: for scripts that have already listed what goes.")
    var yes = false

    func execute() throws(ChairError) {
        let opened = try store.unlock(options)
        var messages: [ChairStore.Message] = []
        for number in Array(Set(numbers)).sorted() { messages.append(try opened.fetchMessageForChair(number)) }
        printStatus("chair: this deletes, for good:")
        for message in messages { printStatus("  \(Deletion.describe(message))") }
        try Deletion.confirm(count: messages.count, confirmed: yes)
        try Deletion.delete(messages, from: opened)
    }
}

/// `chair purge --older-than DURATION [--status S]`: deletes what has been kept long enough.
struct PurgeCommand: ChairSubcommand {
    static let configuration = CommandConfiguration(
        commandName: "purge",
        abstract: "Delete every message older than a period, keeping only their counts.",
        discussion: """
            UK data protection law expects personal details to be kept no longer than needed. \
            purge lists what will go and asks you to type 'delete' to confirm (a script confirms \
            with --yes). Age is counted from when a message reached the relay.

            After a handover, the outgoing chair deletes every message with --all.

            Example:
              chair purge --older-than 1y --status closed
              chair purge --older-than 18m
            """)

    @OptionGroup var options: IdentityOptions
    @OptionGroup var store: StoreOptions

    @Option(help: ArgumentHelp("Delete messages older than this: \(RetentionPeriod.help).", valueName: "period"))
    var olderThan: RetentionPeriod?

    @Flag(help: "Delete every message, whatever its age.")
    var all = false

    @Option(help: ArgumentHelp("Delete only messages with this status.", valueName: "status"))
    var status: String?

    @Flag(help: "Delete without asking: for scripts that have already listed what goes.")
    var yes = false

    func validate() throws {
        if (olderThan == nil) == !all {
            throw ValidationError("give either --older-than PERIOD or --all")
        }
        if let status, MessageStatus(typed: status) == nil {
            throw ValidationError(
                "'\(status)' is not a status: give one of "
                    + MessageStatus.allCases.map(\.rawValue).joined(separator: ", "))
        }
    }

    func execute() throws(ChairError) {
        let opened = try store.unlock(options)
        let wanted = status.flatMap(MessageStatus.init(typed:))
        let now = Date()
        let old = Retention.messages(try opened.fetchMessagesForChair(), olderThan: olderThan, status: wanted, now: now)
        let which = wanted.map { " with status \($0.rawValue)" } ?? ""
        let age = olderThan.map { " older than \($0)" } ?? ""
        guard !old.isEmpty else {
            printStatus("chair: there are no messages\(which)\(age) here; nothing was deleted")
            return
        }
        let when = olderThan.map {
            " that reached the relay before \(LocalTime.dateTime($0.cutoff(before: now))) (older than \($0))"
        }
        let requests = old.filter { $0.submission?.kind == .contactRequest }.count
        printStatus(
            "chair: this deletes, for good, \(old.count) \(old.count == 1 ? "message" : "messages")\(which)"
                + "\(when ?? ", every one here"):")
        printStatus("  " + NumberList.describe(old.map(\.number)))
        if requests > 0 {
            printStatus(
                "  \(requests) of them \(requests == 1 ? "is a contact request" : "are contact requests") with a person's contact details"
            )
        }
        try Deletion.confirm(count: old.count, confirmed: yes)
        try Deletion.delete(old, from: opened)
    }
}

/// `chair retention [PERIOD|off]`: how long messages are kept before `pull` reminds the chair.
struct RetentionCommand: ChairSubcommand {
    static let configuration = CommandConfiguration(
        commandName: "retention",
        abstract: "Show or set how long you keep messages; 'chair pull' reminds you once any is older.",
        discussion: """
            The default is one year, what the website's privacy page tells people unless your \
            group changed it there. Keep the two the same.

            Example:
              chair retention
              chair retention 18m
              chair retention off
            """)

    @OptionGroup var options: IdentityOptions
    @OptionGroup var store: StoreOptions

    @Argument(help: ArgumentHelp("The new period (\(RetentionPeriod.help)), or 'off'.", valueName: "period"))
    var period: String?

    func validate() throws {
        if let period, period.lowercased() != "off", RetentionPeriod(argument: period) == nil {
            throw ValidationError("'\(period)' is not a period: give \(RetentionPeriod.help), or 'off'")
        }
    }

    func execute() throws(ChairError) {
        let opened = try store.unlock(options)
        var settings: ChairStore.Settings
        do {
            settings = try opened.fetchSettings()
        } catch {
            throw ChairError("cannot read your settings: \(error)", hint: "restore your store from your backup")
        }
        if let period {
            settings.retention = RetentionPeriod(argument: period)
            do {
                try opened.saveSettings(settings)
            } catch {
                throw ChairError("could not save the setting: \(error)", hint: "check free disk space and try again")
            }
        }
        if let retention = settings.retention {
            print("Messages are kept for \(retention); 'chair pull' reminds you once any is older.")
        } else {
            print("No retention period is set: 'chair pull' does not remind you to delete old messages.")
        }
    }
}

/// What `delete` and `purge` share: naming a message, asking, deleting, and saying so.
enum Deletion {
    /// "message 4: contact request, received 2026-03-02, between 14:00 and 15:00 GMT
    /// (Europe/London), closed, 2 notes".
    static func describe(_ message: ChairStore.Message) -> String {
        let notes = message.events.filter { if case .note = $0.change { true } else { false } }.count
        var parts = [
            MessageTable.kind(message), "received \(ReceivedText.long(message.receivedHour))",
            message.status.rawValue,
        ]
        if notes > 0 { parts.append("\(notes) \(notes == 1 ? "note" : "notes")") }
        return "message \(message.number): " + parts.joined(separator: ", ")
    }

    /// Asks on standard input, unless already confirmed; anything but "delete" keeps everything.
    static func confirm(count: Int, confirmed: Bool) throws(ChairError) {
        guard !confirmed else { return }
        let them = count == 1 ? "it" : "them"
        FileHandle.standardError.write(Data("Type delete to delete \(them), or press Enter to keep \(them): ".utf8))
        // A day to answer; through the process's one reader, which `chair shell` reads from too.
        let answer: String?
        if case .line(let line) = CommandLineReader.standardInput.next(timeoutSeconds: 86_400) {
            answer = line.trimmingCharacters(in: .whitespaces).lowercased()
        } else {
            answer = nil
        }
        guard answer == "delete" else {
            throw ChairError(
                "nothing was deleted",
                hint: answer == nil
                    ? "no answer could be read; type 'delete' when asked, or confirm with --yes in a script"
                    : "to delete \(them), run the command again and type delete")
        }
    }

    static func delete(_ messages: [ChairStore.Message], from store: ChairStore) throws(ChairError) {
        let deleted: Int
        do {
            deleted = try store.deleteMessages(messages.map(\.number))
        } catch {
            throw ChairError(
                "could not delete: \(error)", hint: "nothing was deleted; check free disk space and try again")
        }
        printStatus(
            "chair: deleted \(deleted) \(deleted == 1 ? "message" : "messages"); "
                + "'chair stats' still counts \(deleted == 1 ? "it" : "them"), without \(deleted == 1 ? "its" : "their") content"
        )
        printStatus(
            "hint: copies in backups made before now still hold \(deleted == 1 ? "it" : "them"): make a new backup and destroy the old ones"
        )
    }
}

/// "1, 2, 5 to 9, 14".
enum NumberList {
    static func describe(_ numbers: [Int64]) -> String {
        var parts: [String] = []
        var runStart: Int64?
        var previous: Int64?
        func close() {
            guard let start = runStart, let end = previous else { return }
            parts.append(start == end ? "\(start)" : end &- start == 1 ? "\(start), \(end)" : "\(start) to \(end)")
        }
        for number in Set(numbers).sorted() {
            if let last = previous, number &- last == 1 {
                previous = number
                continue
            }
            close()
            runStart = number
            previous = number
        }
        close()
        return parts.joined(separator: ", ")
    }
}
