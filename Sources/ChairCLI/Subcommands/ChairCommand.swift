import ArgumentParser
import ChairCore
import ChairStorage
import ChairSync
import Foundation
import RelayProtocol

/// The chair's command-line tool.
@available(macOS 10.15, *)
public struct ChairCommand: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "chair",
        abstract: "Read what the public sends to your group through the Blind Relay.",
        discussion: """
            Example, for a new chair:
              chair init                       # make your keys
              chair recipients create          # who may read: give recipients.set to the host
              chair pull --relay https://contact.example.police.uk
              chair list                       # what has arrived
              chair read 1                     # one message in full
              chair contacts                   # who asked to be contacted
              chair status 1 contacted         # track what you did
              chair stats --chart report.svg   # anonymous counts for meetings
              chair report --output report.html  # the same as a page to print
              chair backup /media/usb/iag.chair  # keys and messages in one encrypted file
              chair shell                      # unlock once for a sitting
            """,
        version: Release.versionText(),
        subcommands: [
            InitCommand.self, ExportCommand.self, PullCommand.self, ListCommand.self, ReadCommand.self,
            ContactsCommand.self, StatusCommand.self, NoteCommand.self, StatsCommand.self, ReportCommand.self,
            OpenCommand.self,
            FindCommand.self, DeleteCommand.self, PurgeCommand.self, RetentionCommand.self, BackupCommand.self,
            RestoreCommand.self, PasswdCommand.self, RecipientsCommand.self, HandoverCommand.self, ShellCommand.self,
            CanaryCommand.self,
            VerifyRelayCommand.self,
        ])

    public init() {}
}

/// A subcommand whose errors are printed in the tool's voice, followed by a failing exit.
protocol ChairSubcommand: ParsableCommand {
    /// Does the work, throwing only errors written for the chair.
    func execute() throws(ChairError)
}

extension ChairSubcommand {
    public func run() throws {
        do {
            try execute()
        } catch {
            FileHandle.standardError.write(Data((error.description + "\n").utf8))
            throw ExitCode.failure
        }
    }
}

/// An asynchronous subcommand whose errors are printed in the tool's voice.
protocol AsyncChairSubcommand: AsyncParsableCommand {
    /// Does the work, throwing only errors written for the chair.
    func execute() async throws(ChairError)
}

extension AsyncChairSubcommand {
    public func run() async throws {
        do {
            try await execute()
        } catch {
            FileHandle.standardError.write(Data((error.description + "\n").utf8))
            throw ExitCode.failure
        }
    }
}

/// Writes a line for the chair on standard error, keeping standard output for data.
func printStatus(_ text: String) {
    FileHandle.standardError.write(Data("\(text)\n".utf8))
}
