package dev.relay.server;

import dev.relay.core.chat.ChatHandler;
import dev.relay.core.chat.ChatPipeline;
import dev.relay.core.chat.IdleCloser;
import dev.relay.core.codec.FrameCodec;
import dev.relay.core.codec.Framing;
import dev.relay.core.handler.RateLimitHandler;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.timeout.IdleStateHandler;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Puts the chat stack on a connection once its kind is known: the framing, then the idle closer, the rate
 * limit, the read gate, the line decoder and the protocol handler (the order {@link RelayPipeline}
 * gives), then the embedding app's own handlers. One per server; immutable, so any event loop may use it.
 */
final class ChatConnections {

    private final RelayServerConfig config;
    private final ChatHandler chat;
    private final IdleCloser idleCloser;
    private final Map<Framing, FrameCodec> codecs = new EnumMap<>(Framing.class);

    ChatConnections(RelayServerConfig config, ChatHandler chat) {
        this.config = config;
        this.chat = chat;
        this.idleCloser = new IdleCloser(config.chatLimits().closeTimeout());
        for (Framing framing : Framing.values()) {
            codecs.put(framing, new FrameCodec(framing, config.maxFrameLength(framing)));
        }
    }

    ChatHandler chat() {
        return chat;
    }

    RelayServerConfig config() {
        return config;
    }

    /** The codec (framing and limit) clients framed as {@code framing} get. */
    FrameCodec codec(Framing framing) {
        return codecs.get(framing);
    }

    /**
     * Adds the framing of {@code framing} at the end of {@code pipeline}: decoder and encoder for a
     * stream framing, the encoder alone for WebSocket (whose frames the WebSocket decoder cuts).
     */
    void addFraming(ChannelPipeline pipeline, Framing framing) {
        FrameCodec codec = codecs.get(framing);
        if (framing.isStream()) {
            pipeline.addLast(RelayPipeline.FRAME_DECODER, codec.newDecoder());
        }
        pipeline.addLast(RelayPipeline.FRAME_ENCODER, codec.encoder());
    }

    /** Adds everything after the framing: idle closer, rate limit, read gate, line decoder, chat; then the app's handlers. */
    void addChat(ChannelPipeline pipeline) {
        if (!config.idleTimeout().isZero()) {
            pipeline.addLast(RelayPipeline.IDLE,
                    new IdleStateHandler(config.idleTimeout().toMillis(), 0, 0, TimeUnit.MILLISECONDS));
            pipeline.addLast(RelayPipeline.IDLE_CLOSER, idleCloser);
        }
        if (config.messagesPerSecond() > 0) {
            pipeline.addLast(RelayPipeline.RATE_LIMIT,
                    new RateLimitHandler(config.messagesPerSecond(), config.messageBurst(), config.nanoClock()));
        }
        ChatPipeline.addChat(pipeline, chat);
        config.pipelineCustomizer().accept(pipeline);
    }
}
