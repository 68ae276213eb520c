import ArgumentParser
import ChairCore
import ChairStorage
import ChairSync
import Foundation
import Sodium

#if canImport(Glibc)
    import Glibc
#endif

/// `chair backup FILE`: the identity and the whole store in one encrypted file.
struct BackupCommand: ChairSubcommand {
    static let configuration = CommandConfiguration(
        commandName: "backup",
        abstract: "Save your keys and every message, status and note in one encrypted file.",
        discussion: """
            Only your passphrase opens the file. Keep it away from this computer (an encrypted USB \
            stick at home), and make a new one every month and after a passphrase change: a \
            backup opens with the passphrase you had when you made it. 'chair restore' brings it \
            back on a new computer.

            Example:
              chair backup /media/usb/iag-backup-2026-11.chair
            """)

    @OptionGroup var options: IdentityOptions
    @OptionGroup var store: StoreOptions

    @Argument(help: ArgumentHelp("The backup file to write (it must not exist yet).", valueName: "file"))
    var file: String

    func execute() throws(ChairError) {
        let (identity, identityFile) = try options.unlockWithFile()
        let storePath = store.storePath(identityPath: options.identityPath)
        guard FileManager.default.fileExists(atPath: storePath) else {
            throw ChairError(
                "there is no message store at \(storePath) to back up",
                hint: "pull first ('chair pull'), or name your store with --store PATH")
        }
        let opened = try store.open(identityPath: options.identityPath, identity: identity)
        let snapshot: [UInt8]
        let count: Int
        do {
            count = try opened.fetchMessages().count
            snapshot = try opened.snapshot(besides: storePath)
        } catch {
            throw ChairError("cannot copy your message store: \(error)", hint: "check free disk space and try again")
        }
        try ChairFiles.create(
            at: file,
            contents: BackupFile.make(identityFile: identityFile, store: snapshot, storeKey: identity.storeKey))
        printStatus(
            "chair: backed up your identity and \(count) \(count == 1 ? "message" : "messages"), with their statuses and notes, to \(file)"
        )
        printStatus("hint: keep it away from this computer; 'chair restore \(file)' brings it back")
    }
}

/// `chair restore FILE`: the identity and store from a backup, on a computer that has neither.
struct RestoreCommand: ChairSubcommand {
    static let configuration = CommandConfiguration(
        commandName: "restore",
        abstract: "Bring back your keys and messages from a backup, on a new computer.",
        discussion: """
            It asks for the passphrase you had when you made the backup, and never overwrites: \
            if an identity or a store is already where it would write, it stops. The next \
            'chair pull' carries on from where the backup stood, and says which messages, if any, \
            only the lost computer held.

            Example:
              chair restore /media/usb/iag-backup-2026-11.chair
              chair pull
            """)

    @OptionGroup var options: IdentityOptions
    @OptionGroup var store: StoreOptions

    @Argument(help: ArgumentHelp("The backup file made by 'chair backup'.", valueName: "file"))
    var file: String

    func execute() throws(ChairError) {
        let identityPath = options.identityPath
        let storePath = store.storePath(identityPath: identityPath)
        for (path, what) in [(identityPath, "an identity"), (storePath, "a message store")]
        where FileManager.default.fileExists(atPath: path) {
            throw ChairError(
                "there is already \(what) at \(path), and restore never overwrites",
                hint: "nothing was changed; move it away first, or restore elsewhere with --identity PATH --store PATH")
        }
        let backup = try ChairFiles.read(file, what: "backup", hint: "check the path of the file 'chair backup' made")
        let identityFile: [UInt8]
        do {
            identityFile = try BackupFile.identityFile(in: backup)
        } catch {
            throw Self.explain(error, file: file)
        }
        let identity = try IdentityOptions.open(identityFile, path: file, source: options.passphraseSource)
        let storeFile: SecretBytes
        do {
            storeFile = try BackupFile.store(in: backup, storeKey: identity.storeKey)
        } catch {
            throw Self.explain(error, file: file)
        }
        try Self.placeStore(storeFile.withUnsafeBytes { Array($0) }, at: storePath, storeKey: identity.storeKey)
        do {
            try ChairFiles.create(at: identityPath, contents: identityFile)
        } catch {
            Self.remove(storePath)
            throw error
        }
        printStatus("chair: restored your identity to \(identityPath) and your messages to \(storePath)")
        printStatus("hint: run 'chair pull' to carry on from where the backup stood")
    }

    static func explain(_ error: BackupFile.ReadError, file: String) -> ChairError {
        switch error {
        case .notABackup(let reason):
            ChairError(
                "\(file) is not a backup made by 'chair backup': \(reason)", hint: "check the file; nothing was changed"
            )
        case .damaged:
            ChairError(
                "the messages in \(file) do not open: the file is damaged, or was changed after it was made",
                hint: "nothing was changed; try an older backup")
        }
    }

    /// Puts the store in place whole (never over a file that appeared meanwhile), then checks
    /// that it opens.
    static func placeStore(_ bytes: [UInt8], at path: String, storeKey: SecretBytes) throws(ChairError) {
        do {
            ChairFiles.warnIfOpen(try PrivateFile.place(at: path, contents: bytes))
        } catch .exists {
            throw ChairError(
                "a message store appeared at \(path) meanwhile", hint: "nothing was changed; move it away first")
        } catch {
            throw ChairError(error, what: "the store")
        }
        do {
            _ = try ChairStore(path: path, storeKey: storeKey).fetchMessages()
        } catch {
            remove(path)
            throw ChairError(
                "the messages in the backup do not open with its identity: \(error)",
                hint: "nothing was changed; try an older backup")
        }
    }

    /// Removes a store this command made, with SQLite's files beside it.
    static func remove(_ path: String) {
        for suffix in ["", "-wal", "-shm"] { _ = unlink(path + suffix) }
    }
}

/// `chair passwd`: a new passphrase for the identity file, which is replaced whole.
struct PasswdCommand: ChairSubcommand {
    static let configuration = CommandConfiguration(
        commandName: "passwd",
        abstract: "Change your passphrase.",
        discussion: """
            It asks for the passphrase you have, then twice for the new one. The identity file is \
            written anew beside the old one and then put in its place, so a crash leaves one or \
            the other, never half. Backups made before still open with the old passphrase: make \
            a new backup, then destroy the old ones.

            Example:
              chair passwd
            """)

    @OptionGroup var options: IdentityOptions

    @Option(
        name: .customLong("new-passphrase-fd"),
        help: ArgumentHelp(
            "Read the new passphrase from this open file descriptor instead of the terminal.",
            discussion: "Scripts may also set $BLIND_RELAY_NEW_PASSPHRASE.", valueName: "n"))
    var newPassphraseDescriptor: Int32?

    func execute() throws(ChairError) {
        let path = options.identityPath
        let (identity, file) = try options.unlockWithFile()
        let source = PassphraseSource(
            descriptor: newPassphraseDescriptor, variable: "BLIND_RELAY_NEW_PASSPHRASE",
            descriptorOption: "--new-passphrase-fd")
        let passphrase = try PassphrasePolicy.choose(
            from: source, prompt: "New passphrase: ", unchanged: "the passphrase was not changed")
        if (try? IdentityFile.open(file, passphrase: passphrase)) != nil {
            throw ChairError(
                "the new passphrase is the one you have; nothing was changed", hint: "choose a different one")
        }
        let text = try IdentityOptions.seal(identity, passphrase: passphrase)
        // Checked before it replaces anything: the new file must open with the new passphrase
        // to these very keys.
        guard let reopened = try? IdentityFile.open(Array(text.utf8), passphrase: passphrase),
            reopened.signing.publicKey == identity.signing.publicKey,
            reopened.encryption.publicKey == identity.encryption.publicKey
        else {
            throw ChairError("the new identity file did not check out; nothing was changed", hint: "try again")
        }
        try ChairFiles.replace(at: path, contents: Array(text.utf8))
        printStatus("chair: changed the passphrase of \(path); the old one no longer opens it")
        printStatus(
            "hint: backups made before still open with the old passphrase: make a new one with 'chair backup FILE' and destroy the old ones"
        )
    }
}
