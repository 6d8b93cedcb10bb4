import Hummingbird
import HummingbirdCore
import HummingbirdWebSocket
import Logging
import NIOCore
import NIOHTTP1

extension HTTPServerBuilder {
    /// HTTP/1 with WebSocket upgrades, as hummingbird-websocket builds it, with one guard more:
    /// a connection whose first request cannot be parsed (a broken `Content-Length`, a control
    /// character in a header, `HTTP/9.9`) is closed. Without it such a connection stays open
    /// with no answer, since the upgrade's pipeline leaves errors to a handler that a request
    /// which never parsed does not reach.
    static func http1WithSockets(
        webSocketRouter: Router<APIRequestContext>, configuration: HTTP1WebSocketUpgradeChannel.Configuration
    ) -> HTTPServerBuilder {
        let sockets = webSocketRouter.buildResponder()
        return HTTPServerBuilder { responder in
            ClosingUnparsableRequests(inner: HTTP1WebSocketUpgradeChannel(
                responder: responder, webSocketResponder: sockets, configuration: configuration))
        }
    }
}

/// The upgrade channel, with `CloseOnParseError` right after each connection's HTTP decoder.
struct ClosingUnparsableRequests: ServerChildChannel {
    let inner: HTTP1WebSocketUpgradeChannel

    func setup(channel: any Channel, logger: Logger) -> EventLoopFuture<HTTP1WebSocketUpgradeChannel.Value> {
        inner.setup(channel: channel, logger: logger).flatMapThrowing { value in
            let decoder = try channel.pipeline.syncOperations.handler(type: ByteToMessageHandler<HTTPRequestDecoder>.self)
            try channel.pipeline.syncOperations.addHandler(CloseOnParseError(), position: .after(decoder))
            return value
        }
    }

    func handle(value: HTTP1WebSocketUpgradeChannel.Value, logger: Logger) async {
        await inner.handle(value: value, logger: logger)
    }
}

/// Closes the connection when its first request cannot be parsed; once a request has come
/// through, it steps aside and the server answers what follows as usual.
final class CloseOnParseError: ChannelInboundHandler, RemovableChannelHandler, Sendable {
    typealias InboundIn = NIOAny

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        context.fireChannelRead(data)
        context.pipeline.syncOperations.removeHandler(context: context, promise: nil)
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        guard error is HTTPParserError else { return context.fireErrorCaught(error) }
        context.close(promise: nil)
    }
}
