import ChairStorage
import Foundation
import Sodium

/// One file holding everything the chair would lose with a laptop: the identity file exactly as
/// it is on disk (already encrypted under the passphrase), and the message store, encrypted
/// whole under a key derived from the identity's store key, which only the passphrase opens.
///
/// Layout, integers big-endian:
///
///     "BRBK" || u8 version (1) || u32 identity_length || identity file
///     || nonce (24) || XChaCha20-Poly1305(store file; key, additional data: every byte before the nonce)
///
/// where key = SHA-512("blind-relay/v2/chair-backup" || store key)[0:32], and the store file is
/// a SQLite database (`VACUUM INTO`: no freed pages, so nothing deleted is in it).
package enum BackupFile {
    static let magic: [UInt8] = Array("BRBK".utf8)
    package static let version: UInt8 = 1
    /// An identity file is under 1 KB; anything much longer is not one.
    static let largestIdentity = 64 * 1024

    /// Why a backup could not be read.
    package enum ReadError: Error, Equatable {
        case notABackup(String)
        /// The store inside does not open with the identity's key: damaged or altered.
        case damaged
    }

    package static func key(storeKey: SecretBytes) -> SecretBytes {
        var hash = SHA512()
        hash.update(Array("blind-relay/v2/chair-backup".utf8))
        hash.update(storeKey)
        return hash.finalize().slice(0..<AEAD.keyLength)
    }

    package static func make(identityFile: [UInt8], store: [UInt8], storeKey: SecretBytes) -> [UInt8] {
        let length = UInt32(identityFile.count)
        let header =
            magic + [version] + (0..<4).reversed().map { UInt8(truncatingIfNeeded: length >> (8 * $0)) }
            + identityFile
        let nonce = RandomBytes.make(count: AEAD.nonceLength)
        return header + nonce
            + AEAD.seal(SecretBytes(copying: store), additionalData: header, nonce: nonce, key: key(storeKey: storeKey))
    }

    /// The identity file inside, which the passphrase opens; read before anything else.
    package static func identityFile(in backup: [UInt8]) throws(ReadError) -> [UInt8] {
        Array(try parts(of: backup).identity)
    }

    /// The store file inside, with the identity's store key.
    package static func store(in backup: [UInt8], storeKey: SecretBytes) throws(ReadError) -> SecretBytes {
        let parts = try parts(of: backup)
        guard
            let store = AEAD.open(
                backup[(parts.headerLength + AEAD.nonceLength)...],
                additionalData: Array(backup[..<parts.headerLength]),
                nonce: Array(backup[parts.headerLength..<(parts.headerLength + AEAD.nonceLength)]),
                key: key(storeKey: storeKey))
        else { throw .damaged }
        return store
    }

    private static func parts(of backup: [UInt8]) throws(ReadError) -> (identity: ArraySlice<UInt8>, headerLength: Int)
    {
        guard backup.count >= 9, backup.prefix(4).elementsEqual(magic) else {
            throw .notABackup("it does not begin as a chair backup does")
        }
        guard backup[4] == version else {
            throw .notABackup("it is backup version \(backup[4]), which this chair cannot read")
        }
        let length = backup[5..<9].reduce(0) { $0 << 8 | Int($1) }
        guard length <= largestIdentity, backup.count - 9 - length >= AEAD.nonceLength + AEAD.tagLength else {
            throw .notABackup("it is cut short or damaged")
        }
        return (backup[9..<(9 + length)], 9 + length)
    }
}
