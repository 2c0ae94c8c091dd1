package dev.relay.server;

import dev.relay.core.codec.BufferedInbound;
import io.netty.handler.codec.http.websocketx.WebSocket13FrameDecoder;
import io.netty.handler.codec.http.websocketx.WebSocketDecoderConfig;
import io.netty.handler.codec.http.websocketx.WebSocketServerHandshaker13;
import io.netty.handler.codec.http.websocketx.WebSocketFrameDecoder;

/**
 * Netty's RFC 6455 frame decoder, saying how much of an unfinished frame it holds, so that the memory
 * budget counts a WebSocket client's partial frame as it counts a line client's partial line
 * ({@link BufferedInbound}). One per connection; event loop only.
 */
final class CountedWebSocketDecoder extends WebSocket13FrameDecoder implements BufferedInbound {

    CountedWebSocketDecoder(WebSocketDecoderConfig config) {
        super(config);
    }

    /** A version 13 handshaker whose connection gets this decoder. */
    static WebSocketServerHandshaker13 handshaker(String location, WebSocketDecoderConfig config) {
        return new WebSocketServerHandshaker13(location, null, config) {
            @Override
            protected WebSocketFrameDecoder newWebsocketDecoder() {
                return new CountedWebSocketDecoder(config);
            }
        };
    }

    /** What the client has sent of an unfinished frame (as the line decoder counts it, spare capacity left out). */
    @Override
    public long heldInboundBytes() {
        return actualReadableBytes();
    }

    @Override
    public long partialFrameBytes() {
        return actualReadableBytes();
    }
}
