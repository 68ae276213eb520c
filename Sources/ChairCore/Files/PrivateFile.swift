import ChairStorage
import Foundation
import Sodium

#if canImport(Glibc)
    import Glibc
#endif

/// Files that only the chair may read: created new, mode 0600, in a folder of mode 0700.
package enum PrivateFile {
    /// What went wrong with a private file: its path and, from the system, why.
    package enum Failure: Error, Equatable {
        case exists(path: String)
        case cannotCreate(path: String, reason: String)
        case cannotWrite(path: String, reason: String)
        case cannotSync(path: String)
        case leftOver(path: String)
        case cannotReplace(path: String, reason: String)
        /// Renamed into place, but the folder could not be synced.
        case replacedNotSynced(path: String)
        case cannotRead(path: String)
        case missing(path: String)
        case cannotCreateFolder(path: String)
        /// `place` could not link the new file into place.
        case cannotPlace(path: String, reason: String)
        /// In place, but the folder could not be synced.
        case placedNotSynced(path: String)
    }

    /// What `create` noticed that is not a failure: the folder is one anyone may write to.
    package struct Created {
        package let folderOpenToOthers: String?
    }

    /// Writes `contents` to a file that must not exist yet (`O_EXCL`), with mode 0600, and syncs it.
    @discardableResult
    package static func create(at path: String, contents: [UInt8]) throws(Failure) -> Created {
        try makeParentDirectory(of: path)
        let parent = URL(fileURLWithPath: path).deletingLastPathComponent().path
        var folder = stat()
        let openToOthers = stat(parent, &folder) == 0 && folder.st_mode & 0o002 != 0
        let descriptor = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else {
            let reason = errno
            if reason == EEXIST { throw .exists(path: path) }
            throw .cannotCreate(path: path, reason: String(cString: strerror(reason)))
        }
        defer { close(descriptor) }
        var written = 0
        while written < contents.count {
            let result = contents[written...].withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
            guard result > 0 else {
                let reason = String(cString: strerror(errno))
                unlink(path)
                throw .cannotWrite(path: path, reason: reason)
            }
            written += result
        }
        guard fsync(descriptor) == 0 else {
            unlink(path)
            throw .cannotSync(path: path)
        }
        return Created(folderOpenToOthers: openToOthers ? parent : nil)
    }

    /// Replaces the file at `path` whole: the new contents go to a private file beside it, are
    /// synced, and are renamed over it, and the folder is synced; at every moment the path holds
    /// either the old file or the new one, never half of either.
    @discardableResult
    package static func replace(at path: String, contents: [UInt8]) throws(Failure) -> Created {
        let temporary = path + ".new"
        // A file left by a replace that was interrupted: never the real one.
        if unlink(temporary) != 0, errno != ENOENT {
            throw .leftOver(path: temporary)
        }
        let created = try create(at: temporary, contents: contents)
        guard rename(temporary, path) == 0 else {
            let reason = String(cString: strerror(errno))
            unlink(temporary)
            throw .cannotReplace(path: path, reason: reason)
        }
        guard syncFolder(of: path) else { throw .replacedNotSynced(path: path) }
        return created
    }

    /// Puts a new private file at `path` whole, never over one that exists, even one that
    /// appeared meanwhile: the contents go to a private file beside it, are synced, are linked
    /// into place, and the folder is synced. At every moment the path holds nothing or all of it.
    @discardableResult
    package static func place(at path: String, contents: [UInt8]) throws(Failure) -> Created {
        let temporary = path + ".placing-" + Hex.encode(RandomBytes.make(count: 6))
        let created = try create(at: temporary, contents: contents)
        defer { _ = unlink(temporary) }
        guard link(temporary, path) == 0 else {
            let reason = errno
            if reason == EEXIST { throw .exists(path: path) }
            throw .cannotPlace(path: path, reason: String(cString: strerror(reason)))
        }
        guard syncFolder(of: path) else { throw .placedNotSynced(path: path) }
        return created
    }

    /// Syncs the folder holding `path`, so that a rename or link in it is on disk; true when the
    /// folder could not be opened at all (nothing more can be done there).
    private static func syncFolder(of path: String) -> Bool {
        let folder = open(
            URL(fileURLWithPath: path).deletingLastPathComponent().path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard folder >= 0 else { return true }
        defer { close(folder) }
        return fsync(folder) == 0
    }

    /// Reads a whole file, telling a missing file from one that cannot be read.
    package static func read(_ path: String) throws(Failure) -> [UInt8] {
        guard let data = FileManager.default.contents(atPath: path) else {
            if FileManager.default.fileExists(atPath: path) { throw .cannotRead(path: path) }
            throw .missing(path: path)
        }
        return Array(data)
    }

    /// Whether users other than the owner may read or write the file.
    package static func isOpenToOthers(_ path: String) -> Bool {
        var status = stat()
        guard stat(path, &status) == 0 else { return false }
        return status.st_mode & 0o077 != 0
    }

    private static func makeParentDirectory(of path: String) throws(Failure) {
        let parent = URL(fileURLWithPath: path).deletingLastPathComponent().path
        guard !FileManager.default.fileExists(atPath: parent) else { return }
        do {
            try FileManager.default.createDirectory(
                atPath: parent, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        } catch {
            throw .cannotCreateFolder(path: parent)
        }
    }
}
