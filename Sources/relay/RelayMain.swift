import ArgumentParser
import Foundation
import Logging
import NIOCore
import NIOPosix
import RelayKit
import RelayProtocol

/// Swift concurrency then runs on NIO's event loops, so a request's handler runs on the thread
/// that read the request instead of hopping to the concurrency pool and back (measured: 12 µs
/// less CPU per `/healthz`, 33 µs per browser-sealed post). Done first, before anything else
/// runs asynchronously. Nothing may then block an event loop: the store's blocking work stays
/// on GRDB's own queues.
///
/// Before that, the process is hardened (`ProcessHardening`): it starts itself again with an
/// allocator that overwrites freed memory, and turns core dumps off. Both come before any thread
/// or request exists.
@main
enum RelayMain {
    /// Set to "off" only to measure what memory hygiene costs (`make bench`). An environment
    /// variable, not a setting: it must be known before the relay restarts itself.
    static let memoryHygieneVariable = "BLIND_RELAY_MEMORY_HYGIENE"
    /// Set to "off" to keep Swift's own executor (to compare, or should NIO's ever misbehave).
    /// An environment variable, not a setting: the take-over must come before anything else.
    static let executorVariable = "BLIND_RELAY_NIO_EXECUTOR"

    static func main() async {
        let hygiene = ProcessInfo.processInfo.environment[memoryHygieneVariable] != "off"
        var allocatorWarning: String?
        if hygiene && !ProcessHardening.allocatorIsHardened {
            // Returns only when the restart was impossible.
            allocatorWarning = ProcessHardening.restartWithHardenedAllocator()
            if !ProcessHardening.perturbFreedMemory() { allocatorWarning? += "; mallopt(M_PERTURB) failed too" }
        }
        do {
            try ProcessHardening.forbidCoreDumps()
        } catch {
            FileHandle.standardError.write(
                Data(
                    "relay: \(error.description); refusing to start, as a core file could hold a person's words\n".utf8)
            )
            exit(1)
        }
        if ProcessInfo.processInfo.environment[executorVariable] == "off" {
            RelayCommand.startupNotes.append(
                (
                    .info,
                    "Swift concurrency runs on its own executor (\(executorVariable)=off), not on NIO's event loops"
                ))
        } else if NIOSingletons.unsafeTryInstallSingletonPosixEventLoopGroupAsConcurrencyGlobalExecutor() {
            RelayCommand.startupNotes.append((.info, "Swift concurrency runs on NIO's event loops"))
        } else {
            // Something ran asynchronously first: the relay still works, only less efficiently.
            RelayCommand.startupNotes.append(
                (.warning, "Swift concurrency could not be moved onto NIO's event loops; it runs on its own executor"))
        }
        if let allocatorWarning {
            RelayCommand.startupNotes.append(
                (
                    .warning,
                    "memory hygiene is weaker: \(allocatorWarning); freed memory outside glibc's per-thread cache is still overwritten"
                ))
        } else if !hygiene {
            RelayCommand.startupNotes.append(
                (.warning, "memory hygiene is off (\(memoryHygieneVariable)=off): freed memory is not overwritten"))
        }
        await RelayCommand.main(nil)
    }
}

/// The relay's command line: serving (the default), or a backup of its store.
struct RelayCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "relay",
        abstract: "Blind Relay: a contact form that seals every submission for the group's chair.",
        discussion: """
            Settings come from the file given with --config ('key = value' lines) and from
            BLIND_RELAY_* environment variables, which win. See deploy/relay.conf.example.

            Example:
              BLIND_RELAY_KEYS_DIR=keys BLIND_RELAY_DATA_DIR=/var/lib/blind-relay relay
              relay backup --config relay.conf blind-relay-2026-11-30.sqlite
            """,
        version: Release.versionText(),
        subcommands: [
            ServeCommand.self, CheckConfigurationCommand.self, BackupCommand.self, ExampleConfigurationCommand.self,
        ],
        defaultSubcommand: ServeCommand.self)

    /// What was found before logging started (level, text), written once it has.
    nonisolated(unsafe) static var startupNotes: [(level: Logger.Level, text: String)] = []
}

/// Where the relay's settings come from.
struct ConfigurationOptions: ParsableArguments {
    @Option(help: ArgumentHelp("A configuration file of 'key = value' lines.", valueName: "path"))
    var config: String?

    /// The settings, or the reason they cannot be used printed and a failure exit.
    func load() throws -> RelayConfiguration {
        do {
            return try RelayConfiguration.load(file: config, environment: ProcessInfo.processInfo.environment)
        } catch {
            FileHandle.standardError.write(Data("relay: \(error.description)\n".utf8))
            throw ExitCode.failure
        }
    }
}

/// `relay backup FILE`: a consistent copy of the store while the relay runs.
struct BackupCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "backup",
        abstract: "Copy the store to a new file, consistently, while the relay runs.",
        discussion: """
            The copy holds ciphertext only. It is a new file (mode 0600); an existing file is
            never replaced. docs/RELAY-API.md says how to restore one, and what a restore loses.
            """)

    @OptionGroup var options: ConfigurationOptions

    @Argument(help: ArgumentHelp("The new file to write.", valueName: "file"))
    var file: String

    func run() async throws {
        let settings = try options.load()
        do {
            let summary = try StoreBackup.copy(settings, to: file)
            print("relay: copied \(summary.envelopes) envelopes (up to sequence \(summary.headSequence)) to \(file)")
        } catch {
            FileHandle.standardError.write(Data("relay: \(error.description)\n".utf8))
            throw ExitCode.failure
        }
    }
}

/// `relay example-config`: every setting with its default and what it is for, as a file.
struct ExampleConfigurationCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "example-config",
        abstract: "Print a configuration file with every setting, its default and what it is for.",
        discussion: "deploy/relay.conf.example is this output; a test keeps the two the same.")

    func run() {
        print(RelayConfiguration.exampleFile, terminator: "")
    }
}

/// `relay` (or `relay serve`): read the configuration, build the application, run it.
struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve", abstract: "Serve the form and the chair's API (what `relay` alone does).")

    @OptionGroup var options: ConfigurationOptions

    func run() async throws {
        let settings = try options.load()
        // Every line the relay writes goes through the one format that has no place for request data.
        let level = settings.logLevel
        LoggingSystem.bootstrap { label in RelayLogHandler(label: label, level: level) }
        var logger = Logger(label: "blind-relay")
        logger.logLevel = settings.logLevel
        for note in RelayCommand.startupNotes { logger.log(level: note.level, "\(note.text)") }
        do {
            let app = try await buildApplication(configuration: settings, logger: logger)
            try await app.runService()
        } catch let problem as RelayConfiguration.Problem {
            FileHandle.standardError.write(Data("relay: \(problem.description)\n".utf8))
            throw ExitCode.failure
        } catch {
            if let sentence = ListenFailure.sentence(for: error, host: settings.host, port: settings.port) {
                FileHandle.standardError.write(Data("relay: \(sentence)\n".utf8))
                throw ExitCode.failure
            }
            throw error
        }
    }
}

/// `relay check-config`: the settings, keys, data folder and pages checked, nothing started.
struct CheckConfigurationCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check-config",
        abstract: "Check the settings, the keys and the data folder without starting the relay.",
        discussion: "Run it as the relay's user before a restart; it changes nothing. Exits 1 naming what to fix.")

    @OptionGroup var options: ConfigurationOptions

    func run() throws {
        let settings = try options.load()
        do {
            for line in try ConfigurationCheck.run(settings) { print(line) }
            print("relay: the configuration is ready to start")
        } catch {
            FileHandle.standardError.write(Data("relay: \(error.description)\n".utf8))
            throw ExitCode.failure
        }
    }
}
