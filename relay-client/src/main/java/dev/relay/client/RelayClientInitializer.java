package dev.relay.client;

import dev.relay.core.codec.FrameCodec;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.timeout.IdleStateHandler;
import java.util.concurrent.TimeUnit;

/**
 * Assembles a client connection's pipeline: {@code frameDecoder}, {@code frameEncoder},
 * {@code heartbeat} (only when enabled), {@code connection}.
 */
final class RelayClientInitializer extends ChannelInitializer<SocketChannel> {

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
        codec.addTo(ch.pipeline(), "frameDecoder", "frameEncoder");
        long heartbeat = client.config().heartbeatInterval().toMillis();
        if (heartbeat > 0) {
            ch.pipeline().addLast("heartbeat", new IdleStateHandler(heartbeat, 0, 0, TimeUnit.MILLISECONDS));
        }
        ch.pipeline().addLast("connection", new ClientConnection(client, reconnect));
    }
}
