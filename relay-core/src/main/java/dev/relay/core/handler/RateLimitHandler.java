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
 * <p>A flood starts with the first dropped frame, which is when the warning goes out, and ends only once
 * no frame has been dropped for {@link #FLOOD_QUIET_NANOS} (1 s); the next drop after that warns again.
 * So a steady flood, which drops most frames while the bucket lets a few through at the rate, is warned
 * once, not once per token.
 *
 * <p>Place it right after the frame decoder and encoder. One instance per channel (it keeps the
 * bucket); touched only on the channel's event loop. The clock is injectable for tests.
 */
public final class RateLimitHandler extends ChannelInboundHandlerAdapter {

    private static final long NANOS_PER_SECOND = 1_000_000_000L;
    /** How long a connection must go without a dropped frame for its flood to be over. */
    static final long FLOOD_QUIET_NANOS = NANOS_PER_SECOND;

    private final double perSecond;
    private final int burst;
    private final LongSupplier nanoClock;
    private double tokens;
    private long lastRefill;
    private long lastDrop;
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
            ctx.fireChannelRead(frame);
            return;
        }
        frame.release();
        boolean newFlood = dropped == 0 || now - lastDrop >= FLOOD_QUIET_NANOS;
        dropped++;
        lastDrop = now;
        if (newFlood) {
            ctx.writeAndFlush(ServerLines.error(ErrorCode.RATE_LIMITED, "Slow down: more than "
                    + (long) perSecond + " messages a second (bursts of " + burst + "); lines are being dropped"),
                    ctx.voidPromise());
        }
    }
}
