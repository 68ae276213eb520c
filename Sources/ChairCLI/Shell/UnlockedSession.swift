import ChairCore
import ChairStorage
import ChairSync
import Sodium
import Synchronization

/// The identity `chair shell` unlocked once, which every command it runs uses instead of asking
/// for the passphrase again: its 96 secret bytes in locked memory (`LockedSecret`), readable
/// only while a command takes a copy, and wiped when the shell ends.
enum UnlockedSession {
    private struct Held: Sendable {
        let identityPath: String
        let signingKey: [UInt8]
        let secret: LockedSecret
    }

    private static let held = Mutex<Held?>(nil)

    /// Holds `identity` for the identity file at `path`; returns whether the memory is locked.
    static func begin(_ identity: ChairIdentity, path: String) throws(ChairError) -> Bool {
        let secret: LockedSecret
        do {
            secret = try LockedSecret(copying: identity.secrets)
        } catch {
            throw ChairError(
                "cannot set memory aside to hold your keys", hint: "close other programs and try again")
        }
        held.withLock { $0 = Held(identityPath: path, signingKey: identity.signing.publicKey, secret: secret) }
        return secret.isLocked
    }

    /// Wipes the held keys.
    static func end() {
        held.withLock { $0 = nil }
    }

    /// The held identity, if the shell unlocked the file at `path` and the file's keys are
    /// still the ones held.
    static func identity(for path: String, publicPart: IdentityFile.PublicPart) -> ChairIdentity? {
        let found = held.withLock { $0 }
        guard let found, found.identityPath == path, found.signingKey == publicPart.signingKey else { return nil }
        return try? found.secret.withSecret { ChairIdentity(secrets: $0) }
    }
}
