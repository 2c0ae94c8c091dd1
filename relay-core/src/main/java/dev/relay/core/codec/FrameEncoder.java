package dev.relay.core.codec;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPromise;

/**
 * Outbound half of a {@link FrameCodec}: a {@link CharSequence} written to the channel is encoded as one
 * UTF-8 frame; a {@link ByteBuf} is taken to be wire bytes already framed (as a room's fan-out writes
 * them) and passes through untouched. Anything else passes through too.
 *
 * <p>A {@link FrameBatch} waiting on the channel is written before each message, to keep order.
 *
 * <p>Adding it to a pipeline records its codec on the channel ({@link FrameCodec#of}).
 *
 * <p>Stateless and {@link Sharable}; obtain it from {@link FrameCodec#encoder()}.
 */
@Sharable
public final class FrameEncoder extends ChannelOutboundHandlerAdapter {

    private final FrameCodec codec;

    FrameEncoder(FrameCodec codec) {
        this.codec = codec;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        codec.install(ctx.channel());
    }

    /**
     * The channel is done with: frames still waiting in its batch (presence that was allowed to wait, and
     * the channel closed first) are released here, since no flush will take them.
     */
    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        FrameBatch batch = FrameBatch.peek(ctx.channel());
        if (batch != null && !ctx.channel().isActive()) { // removed from an open channel, it leaves them be
            ByteBuf waiting = batch.take();
            if (waiting != null) {
                waiting.release();
            }
        }
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
        FrameBatch batch = FrameBatch.peek(ctx.channel());
        if (batch != null) {
            ByteBuf waiting = batch.take(); // room traffic appended earlier goes first
            if (waiting != null) {
                ctx.write(waiting, ctx.voidPromise());
            }
        }
        if (msg instanceof CharSequence text) {
            ctx.write(codec.encode(ctx.alloc(), text), promise);
        } else {
            ctx.write(msg, promise);
        }
    }
}
