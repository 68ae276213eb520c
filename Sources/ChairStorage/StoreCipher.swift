import Foundation
import Sodium

/// Seals and opens the chair store's rows with the identity's store key, each bound to its place
/// (XChaCha20-Poly1305 with a random nonce; the row's context is the additional data), and
/// padded first so that a row's length tells nothing about what it holds.
package struct StoreCipher {
    package let key: SecretBytes

    /// Where a sealed row belongs; part of what is authenticated, so rows cannot be swapped.
    package enum Context {
        case message(number: Int64)
        case cursor
        case groupTrust
        case canary(number: Int64)
        /// A row of `sealed_kept`, by its name: the chair's settings, the counts of deleted messages.
        case kept(name: String)

        package var additionalData: [UInt8] {
            switch self {
            case .message(let number): Array("blind-relay/v2/chair-store/message/\(number)".utf8)
            case .cursor: Array("blind-relay/v2/chair-store/cursor".utf8)
            case .groupTrust: Array("blind-relay/v2/chair-store/group-trust".utf8)
            case .canary(let number): Array("blind-relay/v2/chair-store/canary/\(number)".utf8)
            case .kept(let name): Array("blind-relay/v2/chair-store/kept/\(name)".utf8)
            }
        }
    }

    /// The sizes rows are padded to: the wire's size classes, then whole multiples of the largest.
    static let sizeClasses = [4_096, 16_384, 65_536]

    /// The padded length for `length` bytes of content (ISO/IEC 7816-4: one 0x80, then zeros).
    package static func paddedLength(for length: Int) -> Int {
        let needed = length + 1
        if let size = sizeClasses.first(where: { $0 >= needed }) { return size }
        let largest = sizeClasses[sizeClasses.count - 1]
        return (needed + largest - 1) / largest * largest
    }

    /// nonce || ciphertext of `plaintext` padded to its size class.
    package func seal(_ plaintext: SecretBytes, for context: Context) -> [UInt8] {
        let padded = SecretBytes(count: Self.paddedLength(for: plaintext.count)) {
            (output: UnsafeMutablePointer<UInt8>) in
            plaintext.withUnsafeBytes { source in
                if let base = source.baseAddress {
                    output.update(from: base.assumingMemoryBound(to: UInt8.self), count: plaintext.count)
                }
            }
            output[plaintext.count] = 0x80
        }
        let nonce = RandomBytes.make(count: AEAD.nonceLength)
        return nonce + AEAD.seal(padded, additionalData: context.additionalData, nonce: nonce, key: key)
    }

    /// The content of a sealed row, or nil when it does not open here or its padding is wrong.
    package func open(_ sealed: [UInt8], for context: Context) -> SecretBytes? {
        guard sealed.count > AEAD.nonceLength,
            let padded = AEAD.open(
                sealed[AEAD.nonceLength...], additionalData: context.additionalData,
                nonce: Array(sealed.prefix(AEAD.nonceLength)), key: key)
        else { return nil }
        let end: Int? = padded.withUnsafeBytes { bytes in
            guard let marker = bytes.lastIndex(where: { $0 != 0 }), bytes[marker] == 0x80 else { return nil }
            return marker
        }
        return end.map { padded.slice(0..<$0) }
    }
}

extension StoreCipher {
    /// A row's sealed JSON body, opened and decoded: the one way such a row is read. A row that
    /// does not open under this key, or does not decode, is damaged.
    func openJSON<Value: Decodable>(_ sealed: Data, as type: Value.Type, for context: StoreCipher.Context) throws
        -> Value
    {
        guard let plaintext = open(Array(sealed), for: context),
            let value = try? plaintext.withUnsafeBytes({ try JSONDecoder().decode(Value.self, from: Data($0)) })
        else { throw ChairStore.DamagedRow(number: nil) }
        return value
    }

    /// `value` as JSON, sealed for its row: the one way such a row is written.
    func sealJSON(_ value: some Encodable, for context: StoreCipher.Context) throws -> Data {
        let body = try JSONEncoder().encode(value)
        return Data(seal(SecretBytes(copying: Array(body)), for: context))
    }
}
