import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// Files that only the chair may read: created new, mode 0600, in a folder of mode 0700.
enum PrivateFile {
    /// Writes `contents` to a file that must not exist yet (`O_EXCL`), with mode 0600, and syncs it.
    static func create(at path: String, contents: [UInt8]) throws(ChairError) {
        try makeParentDirectory(of: path)
        let parent = URL(fileURLWithPath: path).deletingLastPathComponent().path
        var folder = stat()
        if stat(parent, &folder) == 0, folder.st_mode & 0o002 != 0 {
            printWarning(
                "\(parent) is a folder anyone on this computer can write to",
                hint: "the file is private (mode 0600), but keep your records in a folder of your own")
        }
        let descriptor = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else {
            let reason = errno
            if reason == EEXIST {
                throw ChairError(
                    "\(path) already exists",
                    hint: "nothing was overwritten; choose another path, or move the old file away first")
            }
            throw ChairError(
                "cannot create \(path): \(String(cString: strerror(reason)))",
                hint: "check that the folder exists and that you may write to it")
        }
        defer { close(descriptor) }
        var written = 0
        while written < contents.count {
            let result = contents[written...].withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
            guard result > 0 else {
                let reason = String(cString: strerror(errno))
                unlink(path)
                throw ChairError(
                    "cannot write \(path): \(reason)", hint: "check free disk space, then run the command again")
            }
            written += result
        }
        guard fsync(descriptor) == 0 else {
            unlink(path)
            throw ChairError("cannot save \(path) to disk", hint: "check the disk, then run the command again")
        }
    }

    /// Replaces the file at `path` whole: the new contents go to a private file beside it, are
    /// synced, and are renamed over it, and the folder is synced; at every moment the path holds
    /// either the old file or the new one, never half of either.
    static func replace(at path: String, contents: [UInt8]) throws(ChairError) {
        let temporary = path + ".new"
        // A file left by a replace that was interrupted: never the real one.
        if unlink(temporary) != 0, errno != ENOENT {
            throw ChairError(
                "cannot remove \(temporary), left by an earlier attempt",
                hint: "remove it yourself and run the command again")
        }
        try create(at: temporary, contents: contents)
        guard rename(temporary, path) == 0 else {
            let reason = String(cString: strerror(errno))
            unlink(temporary)
            throw ChairError(
                "cannot replace \(path): \(reason)", hint: "nothing was changed; check the folder's permissions")
        }
        let folder = open(
            URL(fileURLWithPath: path).deletingLastPathComponent().path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard folder >= 0 else { return }
        defer { close(folder) }
        guard fsync(folder) == 0 else {
            throw ChairError(
                "\(path) was replaced, but the change may not be on disk yet",
                hint: "do not switch the computer off; run 'sync', then check that the new file opens")
        }
    }

    /// Reads a whole file, saying plainly when it is missing.
    static func read(_ path: String, what: String, hint: String) throws(ChairError) -> [UInt8] {
        guard let data = FileManager.default.contents(atPath: path) else {
            if FileManager.default.fileExists(atPath: path) {
                throw ChairError("cannot read \(what) at \(path)", hint: "check the file's permissions")
            }
            throw ChairError("there is no \(what) at \(path)", hint: hint)
        }
        return Array(data)
    }

    /// Whether users other than the owner may read or write the file.
    static func isOpenToOthers(_ path: String) -> Bool {
        var status = stat()
        guard stat(path, &status) == 0 else { return false }
        return status.st_mode & 0o077 != 0
    }

    private static func makeParentDirectory(of path: String) throws(ChairError) {
        let parent = URL(fileURLWithPath: path).deletingLastPathComponent().path
        guard !FileManager.default.fileExists(atPath: parent) else { return }
        do {
            try FileManager.default.createDirectory(
                atPath: parent, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        } catch {
            throw ChairError(
                "cannot create the folder \(parent)", hint: "create it yourself, then run the command again")
        }
    }
}
