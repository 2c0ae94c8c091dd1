package dev.relay.server;

import dev.relay.core.chat.ChatHandler;
import dev.relay.core.codec.FrameCodec;
import dev.relay.core.handler.ConnectionLimitHandler;
import dev.relay.core.handler.RateLimitHandler;
import dev.relay.core.handler.ReadGateHandler;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.socket.SocketChannel;
import java.util.concurrent.TimeUnit;

/** Assembles each accepted connection's pipeline, in the order {@link RelayPipeline} lists. */
final class RelayServerInitializer extends ChannelInitializer<SocketChannel> {

    private final ChannelGroup allChannels;
    private final FrameCodec codec;
    private final ConnectionLimitHandler connectionLimit;
    private final ChatHandler chat;
    private final RelayServerConfig config;

    RelayServerInitializer(ChannelGroup allChannels, FrameCodec codec, ConnectionLimitHandler connectionLimit,
            ChatHandler chat, RelayServerConfig config) {
        this.allChannels = allChannels;
        this.codec = codec;
        this.connectionLimit = connectionLimit;
        this.chat = chat;
        this.config = config;
    }

    @Override
    protected void initChannel(SocketChannel ch) {
        allChannels.add(ch);
        ChannelPipeline pipeline = ch.pipeline();
        codec.addTo(pipeline, RelayPipeline.FRAME_DECODER, RelayPipeline.FRAME_ENCODER);
        if (!config.idleTimeout().isZero()) {
            pipeline.addLast(RelayPipeline.IDLE,
                    new IdleStateHandler(config.idleTimeout().toMillis(), 0, 0, TimeUnit.MILLISECONDS));
        }
        pipeline.addLast(RelayPipeline.CONNECTION_LIMIT, connectionLimit);
        if (config.messagesPerSecond() > 0) {
            pipeline.addLast(RelayPipeline.RATE_LIMIT,
                    new RateLimitHandler(config.messagesPerSecond(), config.messageBurst(), config.nanoClock()));
        }
        pipeline.addLast(RelayPipeline.READ_GATE, new ReadGateHandler());
        pipeline.addLast(RelayPipeline.CHAT, chat);
        config.pipelineCustomizer().accept(pipeline);
    }
}
