/// A libsodium call refused its input; the caller must not go on as if it had worked.
public enum SodiumFailure: Error, Equatable, Sendable, CustomStringConvertible {
    /// The public key is not one anything can be sealed to: a low-order X25519 point (such as
    /// all zeros), for which libsodium refuses and TweetNaCl would seal so that anyone can open.
    case unusablePublicKey

    public var description: String {
        switch self {
        case .unusablePublicKey:
            "the public key is unusable (a low-order point): nobody could open what is sealed to it"
        }
    }
}
