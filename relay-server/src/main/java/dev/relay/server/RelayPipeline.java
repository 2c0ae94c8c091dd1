package dev.relay.server;

import dev.relay.core.chat.ChatPipeline;

/**
 * The names of the handlers in a relay connection's pipeline. A new connection has only the
 * {@value #DETECTOR} (unless the server has one fixed framing); the detector replaces itself with one of
 * these stacks once it knows the kind of client ({@link ProtocolDetector}):
 *
 * <p><b>A line or length client</b>, in order:
 * <ol>
 *   <li>{@value #FRAME_DECODER}: bytes to frame payloads ({@link dev.relay.core.codec.FrameCodec#newDecoder()});</li>
 *   <li>{@value #FRAME_ENCODER}: outbound lines to framed bytes ({@link dev.relay.core.codec.FrameEncoder});</li>
 *   <li>{@value #IDLE} and {@value #IDLE_CLOSER}: close silent connections (only with an idle timeout;
 *       {@link io.netty.handler.timeout.IdleStateHandler}, {@link dev.relay.core.chat.IdleCloser});</li>
 *   <li>{@value #RATE_LIMIT}: drops lines over the rate limit ({@link dev.relay.core.handler.RateLimitHandler}; only when enabled);</li>
 *   <li>{@value #READ_GATE}: holds a client's lines back while it does not read its output ({@link dev.relay.core.handler.ReadGateHandler});</li>
 *   <li>{@value #LINE_DECODER}: frame payloads to cleaned protocol lines ({@link dev.relay.core.chat.ChatLineDecoder});</li>
 *   <li>{@value #CHAT}: the chat protocol ({@link dev.relay.core.chat.ChatHandler}).</li>
 * </ol>
 *
 * <p><b>An HTTP client</b>: {@value #HTTP_CODEC}, {@value #HTTP_IDLE}, {@value #HTTP_AGGREGATOR} and
 * {@value #WEB} ({@link WebHandler}: the page, and the WebSocket upgrade at {@code /ws}).
 *
 * <p><b>A WebSocket client</b>, after the upgrade: Netty's {@code wsencoder} and {@code wsdecoder}, then
 * {@value #WEBSOCKET} ({@link WebSocketLines}: text messages to frame payloads, control frames, pings),
 * then the line client's stack from {@value #FRAME_ENCODER} on, with a WebSocket text frame as its
 * framing.
 *
 * <p>Connection limits are not in a connection's pipeline: they are counted on the listening channel
 * ({@link dev.relay.core.handler.ConnectionLimitHandler}). An embedding app may add its own handlers
 * relative to these names ({@link RelayServerConfig#pipelineCustomizer()}).
 */
public final class RelayPipeline {

    public static final String DETECTOR = "detector";
    public static final String FRAME_DECODER = "frameDecoder";
    public static final String FRAME_ENCODER = "frameEncoder";
    public static final String IDLE = "idle";
    public static final String IDLE_CLOSER = "idleCloser";
    public static final String RATE_LIMIT = "rateLimit";
    public static final String READ_GATE = ChatPipeline.READ_GATE;
    public static final String LINE_DECODER = ChatPipeline.LINE_DECODER;
    public static final String CHAT = ChatPipeline.CHAT;
    public static final String HTTP_CODEC = "httpCodec";
    public static final String HTTP_IDLE = "httpIdle";
    public static final String HTTP_AGGREGATOR = "httpAggregator";
    public static final String WEB = "web";
    public static final String WEBSOCKET = "webSocket";

    private RelayPipeline() {
    }
}
