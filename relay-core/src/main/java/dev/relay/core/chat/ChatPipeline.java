package dev.relay.core.chat;

import dev.relay.core.codec.FrameCodec;
import dev.relay.core.codec.Framing;
import dev.relay.core.handler.ReadGateHandler;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;
import java.time.Duration;
import java.util.Objects;

/**
 * Puts the chat protocol on a connection whose framing is known, for an app that embeds the relay in
 * its own server (relay-server's initializer does the same, and more, for its port):
 *
 * <pre>{@code
 * ChatHandler chat = ChatHandler.local();                 // once, shared
 * FrameCodec codec = new FrameCodec(Framing.LINE);        // once, shared
 * // per connection:
 * pipeline.addLast(codec.newDecoder(), codec.encoder());
 * ChatPipeline.addChat(pipeline, chat);
 * pipeline.addLast(ChatPipeline.readyOnActive());         // this port speaks one framing: ready at once
 * }</pre>
 *
 * <p>{@link #addChat} adds, after what the pipeline has (the framing): the read gate, the line decoder
 * and the protocol handler, under the names below. The session starts on {@link TransportReady}:
 * {@link #readyOnActive()} fires it when the connection becomes active, with the whole arrival window.
 *
 * <p>Thread-safety: stateless; the handlers it returns are {@link Sharable} where noted.
 */
public final class ChatPipeline {

    /** The read gate's name: backpressure on the sender ({@link ReadGateHandler}). */
    public static final String READ_GATE = "readGate";
    /** The line decoder's name ({@link ChatLineDecoder}). */
    public static final String LINE_DECODER = "lineDecoder";
    /** The protocol handler's name ({@link ChatHandler}). */
    public static final String CHAT = "chat";

    private static final ReadyOnActive READY_ON_ACTIVE = new ReadyOnActive();

    private ChatPipeline() {
    }

    /** Adds the read gate, the line decoder and {@code chat}, in that order, at the end of {@code pipeline}. */
    public static void addChat(ChannelPipeline pipeline, ChatHandler chat) {
        pipeline.addLast(READ_GATE, new ReadGateHandler());
        pipeline.addLast(LINE_DECODER, ChatLineDecoder.INSTANCE);
        pipeline.addLast(CHAT, Objects.requireNonNull(chat, "chat"));
    }

    /**
     * A {@link Sharable} handler for a connection whose framing is fixed: when the channel becomes
     * active it fires {@link TransportReady} (the framing of the channel's {@link FrameCodec}, line if it
     * has none; the chat handler's whole arrival window) and removes itself.
     */
    public static ChannelHandler readyOnActive() {
        return READY_ON_ACTIVE;
    }

    /**
     * An initializer for a whole chat connection in {@code framing}: frame decoder and encoder, then
     * {@link #addChat}, ready when active. Handy for tests on an {@code EmbeddedChannel} and for the
     * simplest embeddings.
     */
    public static ChannelInitializer<Channel> connection(FrameCodec codec, ChatHandler chat) {
        Objects.requireNonNull(codec, "codec");
        Objects.requireNonNull(chat, "chat");
        return new ChannelInitializer<>() {
            @Override
            protected void initChannel(Channel channel) {
                channel.pipeline().addLast(codec.newDecoder(), codec.encoder());
                addChat(channel.pipeline(), chat);
                channel.pipeline().addLast(readyOnActive());
            }
        };
    }

    /** Fires {@link TransportReady} once the channel is active, after the others have seen it become active. */
    @Sharable
    private static final class ReadyOnActive extends ChannelInboundHandlerAdapter {
        @Override
        public void handlerAdded(ChannelHandlerContext ctx) {
            if (ctx.channel().isActive()) {
                ready(ctx);
            }
        }

        @Override
        public void channelActive(ChannelHandlerContext ctx) {
            ctx.fireChannelActive();
            ready(ctx);
        }

        private static void ready(ChannelHandlerContext ctx) {
            if (ctx.isRemoved()) {
                return;
            }
            Channel channel = ctx.channel();
            FrameCodec codec = FrameCodec.of(channel);
            ChatHandler chat = channel.pipeline().get(ChatHandler.class);
            Duration window = chat != null ? chat.limits().arrivalWindow() : ChatLimits.DEFAULT_ARRIVAL_WINDOW;
            ctx.pipeline().remove(ctx.handler());
            channel.pipeline().fireUserEventTriggered(
                    new TransportReady(codec != null ? codec.framing() : Framing.LINE, channel.remoteAddress(), window));
        }
    }
}
