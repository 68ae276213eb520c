import Sodium

/// Where an envelope's file key and ephemeral keys come from.
public struct SealingRandomness: Sendable {
    enum Source: Sendable {
        case system
        case deterministic(seed: [UInt8])
    }

    let source: Source

    /// The system's secure random source: the only choice outside test vectors.
    public static let system = SealingRandomness(source: .system)

    /// Expands a 32-byte seed so that sealing is reproducible. For test vectors only: an
    /// envelope sealed this way is only as secret as its seed.
    public static func deterministic(seed: [UInt8]) -> SealingRandomness {
        precondition(seed.count == 32, "a seed is 32 bytes")
        return SealingRandomness(source: .deterministic(seed: seed))
    }

    /// The file key and one ephemeral seed per recipient (nil: let libsodium choose).
    func draw(recipients: Int) -> (fileKey: SecretBytes, ephemeralSeeds: [SecretBytes]?) {
        switch source {
        case .system:
            return (SecretBytes.random(count: EnvelopeFormat.fileKeyLength), nil)
        case .deterministic(let seed):
            let stream = RandomBytes.makeDeterministic(count: 32 * (1 + recipients), seed: seed)
            let seeds = (0..<recipients).map { stream.slice((32 * ($0 + 1))..<(32 * ($0 + 2))) }
            return (stream.slice(0..<32), seeds)
        }
    }
}
