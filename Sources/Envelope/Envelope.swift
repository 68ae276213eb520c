import Sodium

/// Sealing and opening envelopes (docs/FORMAT.md section 5), in layers: payload, record,
/// submission. Only the top layer is needed outside tests and vector generation.
public enum Envelope {
    // MARK: Sealing

    /// Seals `submission` to every public key in `recipients`.
    public static func seal(
        _ submission: Submission, to recipients: [[UInt8]], randomness: SealingRandomness = .system
    ) throws(SealingError) -> [UInt8] {
        try sealRecord(SubmissionRecord.encode(submission), to: recipients, randomness: randomness)
    }

    /// Seals `submission` to every member of `set`, naming the set inside (section 10); with
    /// `canary`, marked as a reader's delivery canary (section 11).
    public static func seal(
        _ submission: Submission, to set: RecipientSet, canary: [UInt8]? = nil,
        randomness: SealingRandomness = .system
    ) throws(SealingError) -> [UInt8] {
        try sealRecord(
            SubmissionRecord.encode(submission, recipientSet: set.digest, canary: canary), to: set.encryptionKeys,
            randomness: randomness)
    }

    /// Pads and seals raw record bytes, whatever they hold.
    public static func sealRecord(
        _ record: SecretBytes, to recipients: [[UInt8]], randomness: SealingRandomness = .system
    ) throws(SealingError) -> [UInt8] {
        guard let sizeClass = SizeClass.smallest(fitting: record.count) else {
            throw .tooLong(recordLength: record.count)
        }
        return try sealPayload(
            Padding.pad(record, to: sizeClass), sizeClass: sizeClass, to: recipients, randomness: randomness)
    }

    /// Seals an already padded payload of exactly `sizeClass.paddedLength` bytes, as it is.
    public static func sealPayload(
        _ padded: SecretBytes, sizeClass: SizeClass, to recipients: [[UInt8]],
        randomness: SealingRandomness = .system
    ) throws(SealingError) -> [UInt8] {
        precondition(padded.count == sizeClass.paddedLength, "payload is not padded to its size class")
        guard EnvelopeFormat.recipientRange.contains(recipients.count) else {
            throw .recipientCount(recipients.count)
        }
        guard recipients.allSatisfy({ $0.count == BoxKeyPair.keyLength }) else { throw .invalidPublicKey }

        let (fileKey, ephemeralSeeds) = randomness.draw(recipients: recipients.count)
        var header = EnvelopeFormat.magic
        header.append(EnvelopeFormat.version)
        header.append(UInt8(recipients.count))
        header.append(sizeClass.rawValue)
        for (index, publicKey) in recipients.enumerated() {
            // A refused key ends the sealing: no envelope, so no receipt, for what nobody could open.
            do {
                if let ephemeralSeeds {
                    header += try SealedBox.sealDeterministically(
                        fileKey, to: publicKey, ephemeralSeed: ephemeralSeeds[index])
                } else {
                    header += try SealedBox.seal(fileKey, to: publicKey)
                }
            } catch {
                throw .unusablePublicKey
            }
        }
        let (key, nonce) = derivePayloadKey(fileKey: fileKey, header: header)
        return header + SecretBox.seal(padded, key: key, nonce: nonce)
    }

    // MARK: Opening

    /// Opens `envelope` with `keyPair` and decodes the submission inside (steps 1 to 10).
    public static func open(_ envelope: [UInt8], with keyPair: BoxKeyPair) throws(EnvelopeError) -> Submission {
        try SubmissionRecord.decode(openRecord(envelope, with: keyPair))
    }

    /// Opens `envelope` and removes the padding, returning the raw record (steps 1 to 9).
    public static func openRecord(_ envelope: [UInt8], with keyPair: BoxKeyPair) throws(EnvelopeError) -> SecretBytes {
        try Padding.unpad(openPayload(envelope, with: keyPair))
    }

    /// Opens `envelope` to its padded payload (steps 1 to 8).
    public static func openPayload(_ envelope: [UInt8], with keyPair: BoxKeyPair) throws(EnvelopeError) -> SecretBytes {
        let header = try EnvelopeHeader(validating: envelope)
        var fileKey: SecretBytes?
        for index in 0..<header.recipientCount {
            let start = EnvelopeFormat.fixedHeaderLength + index * EnvelopeFormat.stanzaLength
            let stanza = envelope[start..<(start + EnvelopeFormat.stanzaLength)]
            if let opened = SealedBox.open(stanza, with: keyPair), opened.count == EnvelopeFormat.fileKeyLength {
                fileKey = opened
                break
            }
        }
        guard let fileKey else { throw .notAddressedToThisIdentity }
        let (key, nonce) = derivePayloadKey(fileKey: fileKey, header: Array(envelope[0..<header.length]))
        guard let padded = SecretBox.open(envelope[header.length...], key: key, nonce: nonce) else {
            throw .payloadFailure
        }
        return padded
    }

    /// Reads either form of an envelope: binary as is, armored text decoded (section 6).
    public static func decodeAnyForm(_ data: [UInt8]) throws(EnvelopeError) -> [UInt8] {
        Armor.looksArmored(data) ? try Armor.decode(data, label: Armor.envelopeLabel) : data
    }

    /// key = h[0:32], nonce = h[32:56] of SHA-512(label || file_key || header).
    static func derivePayloadKey(fileKey: SecretBytes, header: [UInt8]) -> (key: SecretBytes, nonce: SecretBytes) {
        var hasher = SHA512()
        hasher.update(EnvelopeFormat.payloadKeyLabel)
        hasher.update(fileKey)
        hasher.update(header)
        let digest = hasher.finalize()
        return (digest.slice(0..<SecretBox.keyLength), digest.slice(32..<(32 + SecretBox.nonceLength)))
    }
}
