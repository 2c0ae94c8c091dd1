package dev.relay.core;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufHolder;
import io.netty.channel.FileRegion;
import io.netty.channel.MessageSizeEstimator;

/**
 * Sizes queued outbound messages by the memory they hold: a buffer's capacity rather than its readable
 * bytes. A 110-byte frame in a 2 KiB buffer costs 2 KiB of direct memory while it waits, and the
 * slow-consumer limits and the memory budget should see that. Install it as the channels'
 * {@link io.netty.channel.ChannelOption#MESSAGE_SIZE_ESTIMATOR}.
 *
 * <p>Stateless; one shared instance, any thread.
 */
public final class HeldBytesEstimator implements MessageSizeEstimator, MessageSizeEstimator.Handle {

    public static final HeldBytesEstimator INSTANCE = new HeldBytesEstimator();

    private HeldBytesEstimator() {
    }

    @Override
    public Handle newHandle() {
        return this;
    }

    @Override
    public int size(Object msg) {
        if (msg instanceof ByteBuf buf) {
            return buf.capacity();
        }
        if (msg instanceof ByteBufHolder holder) {
            return holder.content().capacity();
        }
        if (msg instanceof FileRegion) {
            return 0;
        }
        return 8; // unknown: as Netty's default estimator
    }
}
