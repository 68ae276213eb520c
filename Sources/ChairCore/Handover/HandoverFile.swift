import ChairStorage
import Foundation
import Sodium

/// The open contact requests, with their statuses and notes, as the outgoing chair passes them
/// to the incoming one: signed by the outgoing chair, then sealed to the incoming chair's key
/// alone, so that no one else (the outgoing chair included) can open the file.
///
/// The sealed plaintext, integers big-endian:
///
///     "BRHO" || u8 version (1) || u32 n || n × (u32 length || stored message)
///     || signature (64)
///
/// where each stored message is the chair store's own plaintext of a row (`StoredMessage`), and
/// the signature is the outgoing chair's Ed25519 signature of
/// "blind-relay/v2/handover" || the incoming chair's encryption key || SHA-512(everything before
/// the signature). The whole is a libsodium sealed box to the incoming chair's encryption key.
package enum HandoverFile {
    static let magic: [UInt8] = Array("BRHO".utf8)
    package static let version: UInt8 = 1
    package static let label: [UInt8] = Array("blind-relay/v2/handover".utf8)

    package enum ReadError: Error, Equatable {
        /// Not sealed to this identity, or damaged on the way.
        case notForYou
        /// Opened, but not signed by the chair this store trusts.
        case notSigned
        case malformed
    }

    package static func make(_ messages: [StoredMessage], signer: SigningKeyPair, recipient: [UInt8]) throws -> [UInt8]
    {
        let encoded = try messages.map { try $0.encode() }
        let length = encoded.reduce(9) { $0 + 4 + $1.count }
        let body = SecretBytes(count: length) { (output: UnsafeMutableRawBufferPointer) in
            var offset = 0
            func append(_ bytes: UnsafeRawBufferPointer) {
                UnsafeMutableRawBufferPointer(rebasing: output[offset..<(offset + bytes.count)]).copyMemory(from: bytes)
                offset += bytes.count
            }
            (magic + [version] + bigEndian(encoded.count)).withUnsafeBytes(append)
            for message in encoded {
                bigEndian(message.count).withUnsafeBytes(append)
                message.withUnsafeBytes(append)
            }
        }
        let signature = signer.sign(signedBytes(body, recipient: recipient))
        let signed = SecretBytes(count: body.count + signature.count) { (output: UnsafeMutableRawBufferPointer) in
            body.withUnsafeBytes { output.copyMemory(from: $0) }
            signature.withUnsafeBytes {
                UnsafeMutableRawBufferPointer(rebasing: output[body.count...]).copyMemory(from: $0)
            }
        }
        return try SealedBox.seal(signed, to: recipient)
    }

    /// The messages, once the file opens with `identity` and the signature is `signerKey`'s.
    package static func open(_ file: [UInt8], identity: ChairIdentity, signerKey: [UInt8]) throws(ReadError)
        -> [StoredMessage]
    {
        guard let signed = SealedBox.open(file[...], with: identity.encryption) else { throw .notForYou }
        let signatureLength = SigningKeyPair.signatureLength
        guard signed.count >= 9 + signatureLength else { throw .malformed }
        let body = signed.slice(0..<(signed.count - signatureLength))
        let signature = signed.withUnsafeBytes { Array($0[(signed.count - signatureLength)...]) }
        guard
            SigningKeyPair.verify(
                signature: signature, message: signedBytes(body, recipient: identity.encryption.publicKey),
                publicKey: signerKey)
        else { throw .notSigned }
        do {
            return try body.withUnsafeBytes { bytes throws -> [StoredMessage] in
                var offset = 0
                func take(_ count: Int) throws -> UnsafeRawBufferPointer {
                    guard count >= 0, count <= bytes.count - offset else { throw StoredMessage.Malformed() }
                    defer { offset += count }
                    return UnsafeRawBufferPointer(rebasing: bytes[offset..<(offset + count)])
                }
                func number() throws -> Int { try take(4).reduce(0) { $0 << 8 | Int($1) } }
                guard Array(try take(5)) == magic + [version] else { throw StoredMessage.Malformed() }
                let count = try number()
                var messages: [StoredMessage] = []
                for _ in 0..<count {
                    let part = try take(try number())
                    messages.append(try StoredMessage.decode(SecretBytes(copying: part)))
                }
                guard offset == bytes.count else { throw StoredMessage.Malformed() }
                return messages
            }
        } catch {
            throw .malformed
        }
    }

    private static func signedBytes(_ body: SecretBytes, recipient: [UInt8]) -> [UInt8] {
        var hash = SHA512()
        hash.update(body)
        return label + recipient + hash.finalize().withUnsafeBytes { Array($0) }
    }

    private static func bigEndian(_ value: Int) -> [UInt8] {
        (0..<4).reversed().map { UInt8(truncatingIfNeeded: value >> (8 * $0)) }
    }
}
