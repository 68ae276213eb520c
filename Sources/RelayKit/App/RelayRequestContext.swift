import Hummingbird
import NIOCore

/// The relay's request context: the core storage, our own small upload limit, and the
/// connection, whose peer address only the rate limiter reads, to hash it. It is never logged,
/// stored, or even turned into text on requests that do not submit anything.
public struct RelayRequestContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    private let channel: any Channel

    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        channel = source.channel
    }

    /// The connection's peer (the TLS proxy, behind one), as text for the rate limiter's hash.
    var peerAddress: String? { channel.remoteAddress?.ipAddress }

    /// Bodies are collected with the configured limit; this is the ceiling for anything else.
    public var maxUploadSize: Int { 128 * 1024 }
}
