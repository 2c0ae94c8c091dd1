package dev.relay.core.codec;

import io.netty.channel.Channel;
import io.netty.util.AttributeKey;

/**
 * A handler that holds inbound bytes a client sent but the server has not acted on yet: a frame decoder's
 * unfinished frame, or frames a read gate holds back. The slow-consumer guard finds these handlers in a
 * channel's pipeline and counts what they hold against the server's memory budget, and cuts a connection
 * whose unfinished frame stops growing (a client that opened a large frame and went silent).
 *
 * <p>Threading: called only on the channel's event loop.
 */
public interface BufferedInbound {

    /**
     * Set on a channel by whoever counts its memory (the slow-consumer guard): run, on the channel's event
     * loop, when a handler's held inbound bytes have changed by {@link #REPORT_STEP} or more since it last
     * ran it, so that growth counts at once rather than at the next sweep.
     */
    AttributeKey<Runnable> CHANGED = AttributeKey.valueOf(BufferedInbound.class, "changed");

    /** How much held inbound memory may change before {@link #CHANGED} is run. */
    long REPORT_STEP = 16 * 1024;

    /** Runs the channel's {@link #CHANGED} hook if {@code held} moved {@link #REPORT_STEP} from {@code reported}; returns what to remember as reported. */
    static long report(Channel channel, long held, long reported) {
        if (Math.abs(held - reported) < REPORT_STEP) {
            return reported;
        }
        Runnable hook = channel.attr(CHANGED).get();
        if (hook != null) {
            hook.run();
        }
        return held;
    }

    /** Bytes held for this channel's inbound data right now: an unfinished frame, frames waiting. */
    long heldInboundBytes();

    /** Bytes of an unfinished frame received so far (0 if none); a value that stops changing means a stall. */
    long partialFrameBytes();

    /**
     * When this handler stopped reading from the client because the client does not read what it is sent,
     * on the event loop's clock; 0 while it reads. A client held back this way for longer than the
     * slow-consumer grace period counts as a slow consumer.
     */
    default long readBlockedSinceNanos() {
        return 0;
    }
}
