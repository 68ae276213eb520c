import ChairCore
import ChairStorage

extension ChairError {
    /// A private file's failure in the chair's words; `what` and `missingHint` name the file
    /// for a read ("backup", "check the path of the file 'chair backup' wrote").
    init(_ failure: PrivateFile.Failure, what: String = "file", missingHint: String = "check the path") {
        switch failure {
        case .exists(let path):
            self.init(
                "\(path) already exists",
                hint: "nothing was overwritten; choose another path, or move the old file away first")
        case .cannotCreate(let path, let reason):
            self.init(
                "cannot create \(path): \(reason)", hint: "check that the folder exists and that you may write to it")
        case .cannotWrite(let path, let reason):
            self.init("cannot write \(path): \(reason)", hint: "check free disk space, then run the command again")
        case .cannotSync(let path):
            self.init("cannot save \(path) to disk", hint: "check the disk, then run the command again")
        case .leftOver(let path):
            self.init(
                "cannot remove \(path), left by an earlier attempt",
                hint: "remove it yourself and run the command again")
        case .cannotReplace(let path, let reason):
            self.init("cannot replace \(path): \(reason)", hint: "nothing was changed; check the folder's permissions")
        case .replacedNotSynced(let path):
            self.init(
                "\(path) was replaced, but the change may not be on disk yet",
                hint: "do not switch the computer off; run 'sync', then check that the new file opens")
        case .cannotRead(let path):
            self.init("cannot read \(what) at \(path)", hint: "check the file's permissions")
        case .missing(let path):
            self.init("there is no \(what) at \(path)", hint: missingHint)
        case .cannotPlace(let path, let reason):
            self.init(
                "cannot put \(what) at \(path): \(reason)", hint: "check the folder's permissions; nothing was changed")
        case .placedNotSynced(let path):
            self.init(
                "\(path) was written, but it may not be on disk yet",
                hint: "do not switch the computer off; run 'sync', then check that the new file opens")
        case .cannotCreateFolder(let path):
            self.init("cannot create the folder \(path)", hint: "create it yourself, then run the command again")
        }
    }

    /// A pull lock's failure in the chair's words.
    init(_ failure: PullLock.Failure) {
        switch failure {
        case .cannotOpen(let path, let reason):
            self.init(
                "cannot open \(path) to pull into it: \(reason)",
                hint: "check the path given by --store and its permissions")
        case .cannotLock(let path, let reason):
            self.init(
                "cannot lock \(path) for the pull: \(reason)",
                hint: "check the path given by --store, then run 'chair pull' again")
        }
    }
}
