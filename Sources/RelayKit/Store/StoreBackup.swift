import Foundation
import GRDB

/// `relay backup FILE`: a consistent copy of the store, taken while the relay runs (SQLite's
/// online backup reads one snapshot, so submissions arriving meanwhile are either wholly in the
/// copy or not at all). The copy holds ciphertext only, like the store.
public enum StoreBackup {
    /// What a backup copied.
    public struct Summary: Sendable {
        public let envelopes: Int
        public let headSequence: Int64
    }

    /// Copies the store in `configuration`'s data folder to a new file at `path` (mode 0600).
    public static func copy(_ configuration: RelayConfiguration, to path: String) throws(RelayConfiguration.Problem)
        -> Summary
    {
        let source = EnvelopeStore.path(in: configuration)
        guard FileManager.default.fileExists(atPath: source) else {
            throw .init(
                description: "there is no store at \(source); check data_dir, or start the relay once to create it")
        }
        // The file is made here, empty and private, so the copy is never readable by others and
        // never replaces an older backup.
        let created = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard created >= 0 else {
            throw .init(
                description: errno == EEXIST
                    ? "\(path) exists already; choose a new name (a backup never replaces another)"
                    : "cannot create \(path); check that its folder exists and can be written")
        }
        close(created)
        do {
            var readOnly = Configuration()
            readOnly.publicStatementArguments = false
            let store = try DatabasePool(path: source, configuration: readOnly)
            let copy = try DatabaseQueue(path: path)
            try store.backup(to: copy)
            let summary = try copy.writeWithoutTransaction { db -> Summary in
                // A plain file, complete in itself: no WAL beside it to lose on the way to tape.
                try db.execute(sql: "PRAGMA journal_mode = DELETE")
                guard try String.fetchOne(db, sql: "PRAGMA integrity_check") == "ok" else {
                    throw DatabaseError(message: "the copy failed its integrity check")
                }
                let copied = try EnvelopeStore.fetchBackupSummary(db)
                return Summary(envelopes: copied.envelopes, headSequence: copied.headSequence)
            }
            try copy.close()
            try store.close()
            let synced = open(path, O_RDONLY | O_CLOEXEC)
            defer { if synced >= 0 { close(synced) } }
            guard synced >= 0, fsync(synced) == 0 else { throw DatabaseError(message: "fsync failed") }
            return summary
        } catch {
            unlink(path)
            throw .init(
                description:
                    "the backup failed (\(type(of: error))); nothing was written; check free space and try again")
        }
    }
}
