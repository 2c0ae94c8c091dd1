package dev.relay.client;

import dev.relay.core.codec.FrameCodec;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.timeout.IdleStateHandler;
import java.util.concurrent.TimeUnit;

/**
 * Assembles a client connection's pipeline: {@code framingCheck} (until the server's first bytes),
 * {@code frameDecoder}, {@code frameEncoder}, {@code heartbeat} (when enabled, or once the server states an
 * idle timeout), {@code connection}.
 */
final class RelayClientInitializer extends ChannelInitializer<SocketChannel> {

    static final String HEARTBEAT = "heartbeat";

    private final RelayClient client;
    private final FrameCodec codec;
    private final boolean reconnect;

    RelayClientInitializer(RelayClient client, FrameCodec codec, boolean reconnect) {
        this.client = client;
        this.codec = codec;
        this.reconnect = reconnect;
    }

    @Override
    protected void initChannel(SocketChannel ch) {
        ch.pipeline().addLast(FramingCheck.NAME, new FramingCheck(codec.framing()));
        codec.addTo(ch.pipeline(), "frameDecoder", "frameEncoder");
        long heartbeat = client.config().heartbeatInterval().toMillis();
        if (heartbeat > 0) {
            ch.pipeline().addLast(HEARTBEAT, new IdleStateHandler(heartbeat, heartbeat, 0, TimeUnit.MILLISECONDS));
        }
        ch.pipeline().addLast("connection", new ClientConnection(client, reconnect));
    }

    /**
     * Sets the heartbeat to ping after {@code writerIdleMillis} without sending and after
     * {@code readerIdleMillis} without hearing (0: never), replacing the one in place. Event loop only.
     */
    static void setHeartbeat(ChannelPipeline pipeline, long readerIdleMillis, long writerIdleMillis) {
        IdleStateHandler heartbeat = new IdleStateHandler(readerIdleMillis, writerIdleMillis, 0, TimeUnit.MILLISECONDS);
        if (pipeline.get(HEARTBEAT) != null) {
            pipeline.replace(HEARTBEAT, HEARTBEAT, heartbeat);
        } else {
            pipeline.addBefore("connection", HEARTBEAT, heartbeat);
        }
    }
}
