package dev.relay.server;

import dev.relay.core.chat.TransportReady;
import dev.relay.core.codec.Framing;
import dev.relay.core.handler.ConnectionLimitHandler;
import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.socket.SocketChannel;
import org.jspecify.annotations.Nullable;

/**
 * Assembles each accepted connection's pipeline ({@link RelayPipeline} lists the handlers). On a port
 * that detects the kind of client, that is only the {@link ProtocolDetector}, which puts the rest in
 * once it knows. With one fixed framing, the chat stack goes in at once and the session starts as soon as
 * the connection is active.
 */
final class RelayServerInitializer extends ChannelInitializer<SocketChannel> {

    private final ChannelGroup allChannels;
    private final ChatConnections chats;
    private final @Nullable WebHandler web;
    private final FixedFramingStart fixedStart;

    RelayServerInitializer(ChannelGroup allChannels, ChatConnections chats, @Nullable WebHandler web) {
        this.allChannels = allChannels;
        this.chats = chats;
        this.web = web;
        this.fixedStart = new FixedFramingStart(chats);
    }

    @Override
    protected void initChannel(SocketChannel ch) {
        allChannels.add(ch);
        RelayServerConfig config = chats.config();
        Framing fixed = config.framing();
        if (fixed == null) {
            ch.pipeline().addLast(RelayPipeline.DETECTOR,
                    new ProtocolDetector(chats, config.web().enabled() ? web : null, config.chatLimits().arrivalWindow()));
            return;
        }
        chats.addFraming(ch.pipeline(), fixed);
        ch.pipeline().addLast(RelayPipeline.DETECTOR, fixedStart); // in the detector's place, for one framing
    }

    /**
     * For a fixed framing: when the connection is active, refuses it (over a connection limit) or fires
     * {@link TransportReady} with the whole arrival window; then puts the chat stack in its own place.
     */
    @Sharable
    private static final class FixedFramingStart extends ChannelInboundHandlerAdapter {
        private final ChatConnections chats;

        FixedFramingStart(ChatConnections chats) {
            this.chats = chats;
        }

        @Override
        public void channelActive(ChannelHandlerContext ctx) {
            String refusal = ConnectionLimitHandler.refusal(ctx.channel());
            if (refusal != null) {
                ctx.pipeline().remove(this);
                ConnectionLimitHandler.refuse(ctx.channel(), refusal, chats.config().chatLimits().closeTimeout());
                return;
            }
            chats.addChat(ctx.pipeline());
            ctx.fireChannelActive();
            Framing framing = chats.config().framing();
            ctx.fireUserEventTriggered(new TransportReady(framing != null ? framing : Framing.LINE,
                    ctx.channel().remoteAddress(), chats.chat().limits().arrivalWindow()));
            ctx.pipeline().remove(this);
        }
    }
}
