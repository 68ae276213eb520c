import ArgumentParser
import ChairCore
import ChairStorage
import ChairSync
import Foundation
import Sodium

/// Where the identity file is and how to get its passphrase; shared by every subcommand.
public struct IdentityOptions: ParsableArguments {
    @Option(
        name: .long,
        help: ArgumentHelp(
            "The identity file.", discussion: "Defaults to $BLIND_RELAY_IDENTITY, else ~/.config/blind-relay/identity.",
            valueName: "path"))
    var identity: String?

    @Option(
        name: .customLong("passphrase-fd"),
        help: ArgumentHelp(
            "Read the passphrase from this open file descriptor instead of the terminal.",
            discussion: "Scripts may also set $BLIND_RELAY_PASSPHRASE.", valueName: "n"))
    var passphraseDescriptor: Int32?

    public init() {}

    /// The identity file's path.
    var identityPath: String {
        if let identity { return identity }
        let environment = ProcessInfo.processInfo.environment
        if let path = environment["BLIND_RELAY_IDENTITY"], !path.isEmpty { return path }
        func nonEmpty(_ name: String) -> String? { environment[name].flatMap { $0.isEmpty ? nil : $0 } }
        // $HOME first, as every Unix tool: Foundation's own home directory comes from the
        // password file (for root, /root, whatever HOME says).
        let configHome =
            nonEmpty("XDG_CONFIG_HOME") ?? nonEmpty("HOME").map { $0 + "/.config" }
            ?? FileManager.default.homeDirectoryForCurrentUser.appendingPathComponent(".config").path
        return configHome + "/blind-relay/identity"
    }

    var passphraseSource: PassphraseSource { PassphraseSource(descriptor: passphraseDescriptor) }

    /// Reads the identity file's bytes, warning if others may read it.
    func readIdentityFile() throws(ChairError) -> [UInt8] {
        let path = identityPath
        let data = try ChairFiles.read(
            path, what: "identity", hint: "make one with 'chair init', or name yours with --identity PATH")
        if PrivateFile.isOpenToOthers(path) {
            printWarning(
                "the identity file \(path) can be read by other users of this machine",
                hint: "run 'chmod 600 \(path)'; if others may have copied it, make a new identity")
        }
        return data
    }

    /// The public keys, without asking for the passphrase.
    func loadPublicPart() throws(ChairError) -> IdentityFile.PublicPart {
        let data = try readIdentityFile()
        do {
            return try IdentityFile.readPublicPart(data)
        } catch {
            throw Self.explain(error, path: identityPath)
        }
    }

    /// The whole identity, asking for the passphrase.
    func unlock() throws(ChairError) -> ChairIdentity {
        try unlockWithFile().identity
    }

    /// The identity, and the file's bytes it was opened from.
    func unlockWithFile() throws(ChairError) -> (identity: ChairIdentity, file: [UInt8]) {
        let data = try readIdentityFile()
        if let publicPart = try? IdentityFile.readPublicPart(data),
            let held = UnlockedSession.identity(for: identityPath, publicPart: publicPart)
        {
            return (held, data)
        }
        return (try Self.open(data, path: identityPath, source: passphraseSource), data)
    }

    /// Opens an identity file's bytes with a passphrase from `source`.
    static func open(_ data: [UInt8], path: String, source: PassphraseSource) throws(ChairError) -> ChairIdentity {
        let passphrase = try source.read(prompt: "Passphrase for \(path): ", confirm: false)
        do {
            return try IdentityFile.open(data, passphrase: passphrase)
        } catch {
            throw explain(error, path: path)
        }
    }

    /// The armored identity file of `identity` under `passphrase`, at the cost every chair uses.
    static func seal(_ identity: ChairIdentity, passphrase: SecretBytes) throws(ChairError) -> String {
        do {
            return try IdentityFile.seal(identity, passphrase: passphrase, cost: .moderate)
        } catch {
            throw ChairError(
                "there is not enough memory to protect the keys", hint: "close other programs and try again")
        }
    }

    static func explain(_ error: IdentityFile.ReadError, path: String) -> ChairError {
        switch error {
        case .wrongPassphrase:
            ChairError("the passphrase is wrong for \(path)", hint: "check it and try again; nothing was changed")
        case .malformed(let reason):
            ChairError(
                "\(path) is not a usable identity file: \(reason)",
                hint: "restore it from your backup, or name the right file with --identity PATH")
        case .outOfMemory:
            ChairError(
                "there is not enough memory to unlock \(path)",
                hint: "close other programs and try again")
        }
    }
}

/// Prints a warning in the tool's voice on standard error.
func printWarning(_ message: String, hint: String) {
    FileHandle.standardError.write(Data("chair: warning: \(message)\nhint: \(hint)\n".utf8))
}
