import ArgumentParser
import ChairCore
import ChairStorage
import ChairSync
import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// `chair shell`: unlock once, then run commands at a prompt until `exit` or an idle timeout.
struct ShellCommand: AsyncChairSubcommand {
    static let configuration = CommandConfiguration(
        commandName: "shell",
        abstract: "Unlock once and run several commands, without typing the passphrase each time.",
        discussion: """
            Type commands without 'chair' in front. The keys stay in memory that is never written \
            to disk, and are wiped when you type exit, or after --idle-minutes without a command. \
            Lock your screen when you step away all the same.

            Example:
              chair shell
              chair> pull
              chair> contacts
              chair> note 4 "Rang at 14:10"
              chair> exit
            """)

    @OptionGroup var options: IdentityOptions
    @OptionGroup var store: StoreOptions

    @Option(help: "Wipe the keys and leave after this many minutes without a command (up to 240).")
    var idleMinutes = 10.0

    /// What cannot run inside a shell: another shell, and what makes or replaces an identity.
    static let notInShell: [String: String] = [
        "shell": "you are in the shell already",
        "init": "it makes a new identity: run it outside the shell",
        "restore": "it puts back an identity and a store: run it outside the shell",
    ]

    func validate() throws {
        guard idleMinutes > 0, idleMinutes <= 240 else {
            throw ValidationError("--idle-minutes must be more than 0 and at most 240")
        }
    }

    func execute() async throws(ChairError) {
        let identityPath = options.identityPath
        let identity = try options.unlock()
        let locked = try UnlockedSession.begin(identity, path: identityPath)
        defer { UnlockedSession.end() }
        // Every command run here finds the same identity and store without being told.
        setenv("BLIND_RELAY_IDENTITY", identityPath, 1)
        setenv("BLIND_RELAY_STORE", store.storePath(identityPath: identityPath), 1)
        if !locked {
            printWarning(
                "this computer would not lock your keys in memory, so they could be written to its swap space",
                hint: "ask whoever looks after the computer to raise the locked-memory limit (ulimit -l)")
        }
        let idle = Self.describe(minutes: idleMinutes)
        printStatus(
            "chair: unlocked. Type a command without 'chair' (list, read 3, contacts, pull), help, or exit; "
                + "the keys are wiped after \(idle) without one")
        let reader = CommandLineReader.standardInput
        let prompting = isatty(STDIN_FILENO) == 1
        while true {
            if prompting { FileHandle.standardError.write(Data("chair> ".utf8)) }
            switch reader.next(timeoutSeconds: idleMinutes * 60) {
            case .end:
                printStatus("chair: keys wiped; goodbye")
                return
            case .timedOut:
                printStatus("\nchair: keys wiped after \(idle) without a command; run 'chair shell' again to go on")
                return
            case .line(let line):
                let words: [String]
                do {
                    words = try ShellWords.split(line)
                } catch {
                    printStatus("chair: a quote in that line is not closed\nhint: close it and type the line again")
                    continue
                }
                guard let first = words.first else { continue }
                let name = first == "chair" ? words.dropFirst().first : first
                if let name, ["exit", "quit", "logout"].contains(name) {
                    printStatus("chair: keys wiped; goodbye")
                    return
                }
                let arguments = first == "chair" ? Array(words.dropFirst()) : words
                if let name, let reason = Self.notInShell[name] {
                    printStatus("chair: '\(name)' cannot run in the shell: \(reason)")
                    continue
                }
                await Self.run(arguments)
            }
        }
    }

    /// "10 minutes", "1 minute", "3 seconds".
    static func describe(minutes: Double) -> String {
        if minutes < 1 {
            let seconds = max(1, Int((minutes * 60).rounded()))
            return "\(seconds) \(seconds == 1 ? "second" : "seconds")"
        }
        let whole = Int(minutes.rounded())
        return "\(whole) \(whole == 1 ? "minute" : "minutes")"
    }

    /// Runs one command as `chair` would; its errors are printed, and the shell goes on.
    static func run(_ arguments: [String]) async {
        do {
            var command = try ChairCommand.parseAsRoot(arguments)
            if var asynchronous = command as? AsyncParsableCommand {
                try await asynchronous.run()
            } else {
                try command.run()
            }
        } catch {
            // Our commands print their own errors and leave with ExitCode; the parser's errors,
            // help included, are printed here.
            if error is ExitCode { return }
            let message = ChairCommand.fullMessage(for: error)
            guard !message.isEmpty else { return }
            if ChairCommand.exitCode(for: error) == .success {
                print(message)
            } else {
                printStatus(message)
            }
        }
    }
}
