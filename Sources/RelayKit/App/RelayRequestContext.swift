import Hummingbird
import NIOCore

/// The relay's request context: the core storage, our own small upload limit, and the peer's
/// address, held only for the rate limiter to hash and never logged or stored.
public struct RelayRequestContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    /// The connection's peer (the TLS proxy, behind one).
    let peerAddress: String?

    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        peerAddress = source.channel.remoteAddress?.ipAddress
    }

    /// Bodies are collected with the configured limit; this is the ceiling for anything else.
    public var maxUploadSize: Int { 128 * 1024 }
}
