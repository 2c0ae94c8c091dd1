package dev.relay.core.handler;

import dev.relay.core.chat.ErrorCode;
import dev.relay.core.chat.ServerLines;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import java.util.function.LongSupplier;

/**
 * A per-connection token bucket on inbound frames: {@code burst} frames may come at once, then
 * {@code perSecond} a second. A frame over the limit is dropped (released here) and the sender told once
 * per flood with {@code ERR rate-limited}; other connections are not slowed at all.
 *
 * <p>Place it right after the frame decoder and encoder. One instance per channel (it keeps the
 * bucket); touched only on the channel's event loop. The clock is injectable for tests.
 */
public final class RateLimitHandler extends ChannelInboundHandlerAdapter {

    private static final long NANOS_PER_SECOND = 1_000_000_000L;

    private final double perSecond;
    private final int burst;
    private final LongSupplier nanoClock;
    private double tokens;
    private long lastRefill;
    private boolean warned;
    private long dropped;

    public RateLimitHandler(double perSecond, int burst, LongSupplier nanoClock) {
        if (!(perSecond > 0) || burst < 1) {
            throw new IllegalArgumentException("need perSecond > 0 and burst >= 1: " + perSecond + ", " + burst);
        }
        this.perSecond = perSecond;
        this.burst = burst;
        this.nanoClock = nanoClock;
        this.tokens = burst;
        this.lastRefill = nanoClock.getAsLong();
    }

    /** Frames dropped on this connection so far. */
    public long dropped() {
        return dropped;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof ByteBuf frame)) {
            ctx.fireChannelRead(msg);
            return;
        }
        long now = nanoClock.getAsLong();
        tokens = Math.min(burst, tokens + (now - lastRefill) * perSecond / NANOS_PER_SECOND);
        lastRefill = now;
        if (tokens >= 1) {
            tokens -= 1;
            warned = false;
            ctx.fireChannelRead(frame);
            return;
        }
        frame.release();
        dropped++;
        if (!warned) {
            warned = true;
            ctx.writeAndFlush(ServerLines.error(ErrorCode.RATE_LIMITED, "Slow down: more than "
                    + (long) perSecond + " messages a second (bursts of " + burst + "); lines are being dropped"),
                    ctx.voidPromise());
        }
    }
}
