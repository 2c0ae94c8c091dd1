package dev.relay.server;

/**
 * The names of the handlers in a relay connection's pipeline, in order:
 *
 * <ol>
 *   <li>{@value #FRAME_DECODER}: bytes to frame payloads ({@link dev.relay.core.codec.FrameCodec#newDecoder()});</li>
 *   <li>{@value #FRAME_ENCODER}: outbound lines to framed bytes ({@link dev.relay.core.codec.FrameEncoder});</li>
 *   <li>{@value #IDLE}: closes silent connections (only with an idle timeout; {@link io.netty.handler.timeout.IdleStateHandler});</li>
 *   <li>{@value #CONNECTION_LIMIT}: refuses connections over the caps ({@link dev.relay.core.handler.ConnectionLimitHandler});</li>
 *   <li>{@value #RATE_LIMIT}: drops lines over the rate limit ({@link dev.relay.core.handler.RateLimitHandler}; only when enabled);</li>
 *   <li>{@value #READ_GATE}: holds a client's lines back while it does not read its output ({@link dev.relay.core.handler.ReadGateHandler});</li>
 *   <li>{@value #CHAT}: the chat protocol ({@link dev.relay.core.chat.ChatHandler}).</li>
 * </ol>
 *
 * An embedding app may add its own handlers relative to these names.
 */
public final class RelayPipeline {

    public static final String FRAME_DECODER = "frameDecoder";
    public static final String FRAME_ENCODER = "frameEncoder";
    public static final String IDLE = "idle";
    public static final String CONNECTION_LIMIT = "connectionLimit";
    public static final String RATE_LIMIT = "rateLimit";
    public static final String READ_GATE = "readGate";
    public static final String CHAT = "chat";

    private RelayPipeline() {
    }
}
