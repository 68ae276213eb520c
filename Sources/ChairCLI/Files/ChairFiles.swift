import ChairCore

/// The chair's private files, written or read with failures and warnings in the chair's words.
enum ChairFiles {
    /// `PrivateFile.create`, warning when the folder is one anyone may write to.
    static func create(at path: String, contents: [UInt8]) throws(ChairError) {
        do {
            warnIfOpen(try PrivateFile.create(at: path, contents: contents))
        } catch {
            throw ChairError(error)
        }
    }

    /// `PrivateFile.replace`, warning as `create` does.
    static func replace(at path: String, contents: [UInt8]) throws(ChairError) {
        do {
            warnIfOpen(try PrivateFile.replace(at: path, contents: contents))
        } catch {
            throw ChairError(error)
        }
    }

    /// `PrivateFile.read`, naming the file as `what` and saying `hint` when it is missing.
    static func read(_ path: String, what: String, hint: String) throws(ChairError) -> [UInt8] {
        do {
            return try PrivateFile.read(path)
        } catch {
            throw ChairError(error, what: what, missingHint: hint)
        }
    }

    /// Says when a private file was written in a folder anyone may write to.
    static func warnIfOpen(_ created: PrivateFile.Created) {
        guard let folder = created.folderOpenToOthers else { return }
        printWarning(
            "\(folder) is a folder anyone on this computer can write to",
            hint: "the file is private (mode 0600), but keep your records in a folder of your own")
    }
}
