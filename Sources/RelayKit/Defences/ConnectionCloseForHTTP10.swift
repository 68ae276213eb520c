import HummingbirdCore
import Logging
import NIOCore
import NIOHTTP1
import NIOHTTPTypesHTTP1

/// Hummingbird's HTTP/1 channel, with a request that does not ask to keep its connection (an
/// HTTP/1.0 request without `Connection: keep-alive`) marked `Connection: close` before the
/// HTTP version is lost in the conversion to HTTPTypes. Without it, an HTTP/1.0 client's
/// connection stayed open after its answer, holding one of the relay's connections until the
/// head deadline: a cheap way to use them up.
struct ClosingHTTP1Channel: HTTPChannelHandler {
    typealias Value = HTTP1Channel.Value
    let http1: HTTP1Channel

    var responder: Responder { http1.responder }

    func setup(channel: any Channel, logger: Logger) -> EventLoopFuture<Value> {
        http1.setup(channel: channel, logger: logger).flatMapThrowing { value in
            let operations = channel.pipeline.syncOperations
            let codec = try operations.handler(type: HTTP1ToHTTPServerCodec.self)
            try operations.addHandler(MarkConnectionClose(), position: .before(codec))
            return value
        }
    }

    func handle(value: Value, logger: Logger) async {
        await http1.handle(value: value, logger: logger)
    }
}

/// Adds `Connection: close` to a request head whose HTTP version and headers do not keep the
/// connection alive, so that the server closes it once the answer is sent.
private final class MarkConnectionClose: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias InboundOut = HTTPServerRequestPart

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard case .head(var head) = unwrapInboundIn(data), !head.isKeepAlive else {
            context.fireChannelRead(data)
            return
        }
        head.headers.replaceOrAdd(name: "Connection", value: "close")
        context.fireChannelRead(wrapInboundOut(.head(head)))
    }
}
