import ChairCore
import ChairStorage
import ChairSync
import Sodium

#if canImport(Glibc)
    import Glibc
#endif

/// Where a passphrase comes from: a file descriptor, the environment, or the terminal.
struct PassphraseSource {
    /// The environment variable scripts and tests may set.
    static let environmentVariable = "BLIND_RELAY_PASSPHRASE"
    static let maximumLength = 1024

    /// A descriptor to read one line from (`--passphrase-fd`), if given.
    var descriptor: Int32?
    /// The variable a script may set instead; `chair passwd` reads the new passphrase from
    /// `BLIND_RELAY_NEW_PASSPHRASE`.
    var variable = PassphraseSource.environmentVariable
    /// The option that names the descriptor, for the hint when there is nothing to read.
    var descriptorOption = "--passphrase-fd"

    /// Whether `read` will ask a person at the terminal (rather than read a descriptor or the
    /// environment).
    var asksOnTerminal: Bool { descriptor == nil && getenv(variable) == nil }

    /// Reads the passphrase; on a terminal, asks twice when `confirm` is set.
    func read(prompt: String, confirm: Bool) throws(ChairError) -> SecretBytes {
        if let descriptor {
            return try Self.readLine(from: descriptor, what: "file descriptor \(descriptor)")
        }
        if let value = getenv(variable) {
            let passphrase = SecretBytes(
                copying: UnsafeBufferPointer(
                    start: UnsafeRawPointer(value).assumingMemoryBound(to: UInt8.self), count: strlen(value)))
            // Child processes should not inherit it.
            unsetenv(variable)
            printStatus(
                "chair: warning: the passphrase came from \(variable), which stays readable in "
                    + "/proc/PID/environ (to you and root) while chair runs")
            printStatus("hint: a script should give it with \(descriptorOption) N instead")
            return passphrase
        }
        let passphrase = try readFromTerminal(prompt: prompt)
        if confirm {
            let again = try readFromTerminal(prompt: "Type it again: ")
            guard passphrase.constantTimeEquals(again) else {
                throw ChairError(
                    "the two passphrases differ", hint: "run the command again and type the same passphrase twice")
            }
        }
        return passphrase
    }

    /// Reads up to a newline or the end, without the newline, into a wiped buffer.
    private static func readLine(from descriptor: Int32, what: String) throws(ChairError) -> SecretBytes {
        var length = 0
        var failed = false
        let buffer = SecretBytes(count: maximumLength) { (pointer: UnsafeMutablePointer<UInt8>) in
            while length < maximumLength {
                let result = Glibc.read(descriptor, pointer + length, 1)
                if result < 0 && errno == EINTR { continue }
                if result < 0 { failed = true }
                if result <= 0 || pointer[length] == 0x0A { break }
                length += 1
            }
        }
        if failed {
            throw ChairError(
                "cannot read a passphrase from \(what)", hint: "check that the descriptor is open for reading")
        }
        let trimmed = buffer.withUnsafeBytes { length > 0 && $0[length - 1] == 0x0D } ? length - 1 : length
        return buffer.slice(0..<trimmed)
    }

    private func readFromTerminal(prompt: String) throws(ChairError) -> SecretBytes {
        let terminal = open("/dev/tty", O_RDWR | O_CLOEXEC)
        guard terminal >= 0 else {
            throw ChairError(
                "no passphrase was given and there is no terminal to ask on",
                hint: "pass it with \(descriptorOption) N, or set \(variable) for scripts")
        }
        defer { close(terminal) }
        _ = prompt.utf8CString.withUnsafeBufferPointer { write(terminal, $0.baseAddress, $0.count - 1) }
        var saved = termios()
        let canHideEcho = tcgetattr(terminal, &saved) == 0
        if canHideEcho {
            var silent = saved
            silent.c_lflag &= ~tcflag_t(ECHO)
            tcsetattr(terminal, TCSAFLUSH, &silent)
        }
        defer {
            if canHideEcho { tcsetattr(terminal, TCSAFLUSH, &saved) }
            _ = write(terminal, "\n", 1)
        }
        return try Self.readLine(from: terminal, what: "the terminal")
    }
}
