package dev.relay.core.handler;

import dev.relay.core.codec.BufferedInbound;
import dev.relay.core.codec.ReadPause;
import dev.relay.core.internal.LoopClock;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufHolder;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.ReferenceCountUtil;
import java.util.ArrayDeque;
import org.jspecify.annotations.Nullable;

/**
 * Backpressure on a sender: while the channel's own output is over its high water mark (the client is
 * not reading what it is sent, replies included), the frames it sends wait here unread, and the channel
 * stops reading from its socket, until the output drains below the low water mark. Then the waiting
 * frames are passed on, in order, and reading resumes.
 *
 * <p>The gate closes <em>within</em> a read: a client that sends hundreds of commands in one packet and
 * reads none of the answers gets only as many answered as fit under the high water mark. The rest wait
 * as the bytes they came in, in the frame decoder, which the gate pauses ({@link ReadPause}; the relay's
 * decoders from {@link dev.relay.core.codec.FrameCodec} obey it), so that waiting commands cost their
 * bytes and not an object each. The frame or two decoded before the pause took effect wait here, in
 * order. What waits counts as held inbound memory
 * ({@link BufferedInbound}), and how long the gate has been closed is what the slow-consumer guard reads
 * to treat a client that does not read its own replies as a slow consumer ({@link #readBlockedSinceNanos()}).
 *
 * <p>Place it after the frame decoder (and the rate limit), right before the protocol handler. One
 * instance per channel; touched only on the channel's event loop. It releases what it holds when the
 * channel closes or it is removed.
 */
public final class ReadGateHandler extends ChannelInboundHandlerAdapter implements BufferedInbound {

    private final ArrayDeque<Object> waiting = new ArrayDeque<>();
    private @Nullable ReadPause pause;
    private long waitingBytes;
    private long reported;
    private long closedSince;
    private boolean draining;

    /** When the gate closed, on the event loop's clock ({@link LoopClock}); 0 while open. */
    @Override
    public long readBlockedSinceNanos() {
        return closedSince;
    }

    @Override
    public long heldInboundBytes() {
        return waitingBytes;
    }

    @Override
    public long partialFrameBytes() {
        return 0; // whole frames only: they wait for the client's reading, not its writing
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        pause = ReadPause.of(ctx.channel());
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!waiting.isEmpty() || !ctx.channel().isWritable()) {
            hold(ctx, msg);
            return;
        }
        ctx.fireChannelRead(msg);
        if (!ctx.channel().isWritable()) {
            close(ctx);
        }
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        if (ctx.channel().isWritable()) {
            release(ctx);
        }
        ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        discard();
        ctx.fireChannelInactive();
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        discard();
    }

    private void hold(ChannelHandlerContext ctx, Object msg) {
        waiting.add(msg);
        waitingBytes += sizeOf(msg);
        reported = BufferedInbound.report(ctx.channel(), waitingBytes, reported);
        close(ctx);
    }

    private void close(ChannelHandlerContext ctx) {
        if (closedSince == 0) {
            closedSince = LoopClock.now(ctx.executor());
        }
        if (pause != null) {
            pause.pause();
        }
        ctx.channel().config().setAutoRead(false);
    }

    /** Passes on what waited while the output stays under its mark; reopens the gate when all is out. */
    private void release(ChannelHandlerContext ctx) {
        if (draining) {
            return; // a frame passed on below made the channel writable again: the loop below goes on
        }
        draining = true;
        boolean passed = false;
        try {
            while (!waiting.isEmpty() && ctx.channel().isWritable() && ctx.channel().isActive()) {
                Object msg = waiting.poll();
                waitingBytes -= sizeOf(msg);
                passed = true;
                ctx.fireChannelRead(msg);
            }
        } finally {
            draining = false;
        }
        if (waiting.isEmpty() && ctx.channel().isWritable() && ctx.channel().isActive()) {
            if (pause != null && pause.isPaused()) {
                pause.resume();
                draining = true;
                try {
                    // an empty read makes the decoder cut what it holds; the frames come back through here,
                    // and the gate closes again at once if their answers fill the output up
                    ctx.pipeline().fireChannelRead(Unpooled.EMPTY_BUFFER);
                    passed = true;
                } finally {
                    draining = false;
                }
            }
            if (waiting.isEmpty() && ctx.channel().isWritable() && (pause == null || !pause.isPaused())) {
                closedSince = 0;
                ctx.channel().config().setAutoRead(true);
            }
        }
        if (passed) {
            ctx.fireChannelReadComplete(); // the protocol handler flushes its replies on read-complete
        }
    }

    private void discard() {
        for (Object msg; (msg = waiting.poll()) != null; ) {
            ReferenceCountUtil.release(msg);
        }
        waitingBytes = 0;
    }

    private static long sizeOf(Object msg) {
        if (msg instanceof ByteBuf buf) {
            return buf.capacity();
        }
        if (msg instanceof ByteBufHolder holder) {
            return holder.content().capacity();
        }
        return 64;
    }
}
