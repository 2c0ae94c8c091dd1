package dev.relay.core.codec;

import io.netty.channel.ChannelHandlerContext;
import org.jspecify.annotations.Nullable;

/**
 * What the relay's two frame decoders share: obeying the channel's {@link ReadPause}, and reporting
 * how much of an unfinished frame they hold ({@link BufferedInbound#report}).
 *
 * <p>Threading: one per decoder, used only on its channel's event loop.
 */
final class DecoderState {

    private @Nullable ReadPause pause;
    private long reported;

    void added(ChannelHandlerContext ctx) {
        pause = ReadPause.of(ctx.channel());
    }

    boolean paused() {
        ReadPause current = pause;
        return current != null && current.isPaused();
    }

    /** After each read: reports {@code held} if it moved enough since the last report. */
    void read(ChannelHandlerContext ctx, long held) {
        reported = BufferedInbound.report(ctx.channel(), held, reported);
    }

    /**
     * Handles read-complete while paused and says so. Netty's decoder asks for another read when a read
     * brought no whole frame and auto-read is off; while paused that would read on without bound, so the
     * event is passed on and nothing is asked for.
     */
    boolean readCompleteWhilePaused(ChannelHandlerContext ctx) {
        if (!paused()) {
            return false;
        }
        ctx.fireChannelReadComplete();
        return true;
    }

    /** The unfinished frame's bytes, or 0 while paused (then what waits is whole frames not cut yet). */
    long partial(long readable) {
        return paused() ? 0 : readable;
    }
}
