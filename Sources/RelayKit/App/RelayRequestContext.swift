import Hummingbird

/// The relay's request context: nothing but the core storage, and our own small upload limit.
public struct RelayRequestContext: RequestContext {
    public var coreContext: CoreRequestContextStorage

    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
    }

    /// Bodies are collected with the configured limit; this is the ceiling for anything else.
    public var maxUploadSize: Int { 128 * 1024 }
}
