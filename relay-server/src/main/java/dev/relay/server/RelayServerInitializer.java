package dev.relay.server;

import dev.relay.core.chat.ChatPipeline;
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
     * For a fixed framing: when the connection is active, refuses it (over a connection limit) or puts in
     * the chat stack and {@link ChatPipeline#readyOnActive()}, which starts the session with the whole
     * arrival window; then steps aside.
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
            ctx.pipeline().remove(this);
            ctx.pipeline().addLast(ChatPipeline.readyOnActive()); // active already: fires at once
        }
    }
}
