import Foundation

/// Room kept on the data folder's disk for the one write that frees space: deleting what the
/// recipients have stored needs room in SQLite's WAL, which a full disk would refuse, and then
/// nothing could ever be freed. The relay holds a file of this size and gives it up only when an
/// acknowledgement finds the disk full; once the deletion has made room, it takes it back.
final class DiskReserve: @unchecked Sendable {
    private let path: String
    private let size: Int
    private let lock = NSLock()

    /// The size for a data folder with `freeBytes` free: 32 MiB, or a quarter of what is free.
    static func size(freeBytes: Int) -> Int {
        min(32 << 20, max(0, freeBytes / 4))
    }

    init(path: String, size: Int) {
        self.path = path
        self.size = size
    }

    /// The reserve in the folder of the store at `storePath`, sized for that disk now and made.
    static func beside(storeAt storePath: String) -> DiskReserve {
        let directory = (storePath as NSString).deletingLastPathComponent
        let path = (directory as NSString).appendingPathComponent("reserve")
        // What the reserve already takes counts as free: it is ours to give back.
        let held = ((try? FileManager.default.attributesOfItem(atPath: path))?[.size] as? Int) ?? 0
        let reserve = DiskReserve(path: path, size: size(freeBytes: (freeBytes(in: directory) ?? 0) + held))
        reserve.restore()
        return reserve
    }

    /// Makes the reserve if it is missing; false when the disk has no room for it.
    @discardableResult
    func restore() -> Bool {
        lock.withLock {
            guard size > 0 else { return true }
            var status = stat()
            if stat(path, &status) == 0, Int(status.st_size) == size { return true }
            let file = open(path, O_WRONLY | O_CREAT | O_CLOEXEC, 0o600)
            guard file >= 0 else { return false }
            defer { close(file) }
            // Blocks really allocated, not a sparse promise: the disk must hold them now.
            guard posix_fallocate(file, 0, off_t(size)) == 0, fsync(file) == 0 else {
                unlink(path)
                return false
            }
            return true
        }
    }

    /// Gives the reserved room back to the disk, for the deletion that will free more.
    func release() {
        lock.withLock { _ = unlink(path) }
    }

    /// The free bytes on the disk that holds `directory`, or nil when it cannot be told.
    static func freeBytes(in directory: String) -> Int? {
        var info = statvfs()
        guard statvfs(directory, &info) == 0 else { return nil }
        return Int(info.f_bavail) * Int(info.f_frsize)
    }
}
