package dev.relay.core.codec;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.util.AttributeKey;
import org.jspecify.annotations.Nullable;

/**
 * Frames waiting to be written to one channel as a single buffer: a room's fan-out appends each
 * message's encoded bytes (a copy of a hundred-odd bytes is cheaper than queueing a buffer per
 * message) and writes the batch once per event-loop pass.
 *
 * <p>Order is kept with everything else written to the channel: the {@link FrameEncoder} writes a
 * waiting batch before any other message, so a reply never overtakes room traffic appended before it.
 *
 * <p>Threading: {@link #of} may be called from any thread; everything else only on the channel's
 * event loop. The batch's buffer belongs to this object until {@link #take} hands it out.
 */
public final class FrameBatch {

    private static final AttributeKey<FrameBatch> KEY = AttributeKey.valueOf(FrameBatch.class, "batch");
    private static final int INITIAL_CAPACITY = 2048;

    private final Channel channel;
    private @Nullable ByteBuf buffer;

    private FrameBatch(Channel channel) {
        this.channel = channel;
    }

    /** The channel's batch, made on first use. */
    public static FrameBatch of(Channel channel) {
        FrameBatch batch = channel.attr(KEY).get();
        if (batch == null) {
            FrameBatch made = new FrameBatch(channel);
            batch = channel.attr(KEY).setIfAbsent(made);
            if (batch == null) {
                batch = made;
            }
        }
        return batch;
    }

    /** The channel's batch if it has one, without making it. */
    static @Nullable FrameBatch peek(Channel channel) {
        return channel.attr(KEY).get();
    }

    /** Bytes waiting. */
    public int size() {
        ByteBuf b = buffer;
        return b == null ? 0 : b.readableBytes();
    }

    /** Appends a copy of {@code frame}'s readable bytes; {@code frame} is not changed or released. */
    public void append(ByteBuf frame) {
        int length = frame.readableBytes();
        ByteBuf b = buffer;
        if (b == null) {
            // A channel that is behind gets one frame per pass, typically: a buffer of exactly that size, so
            // that what it queues holds no more memory than the guard counts.
            int capacity = channel.isWritable() ? Math.max(INITIAL_CAPACITY, length) : length;
            b = buffer = channel.alloc().directBuffer(capacity);
        }
        b.writeBytes(frame, frame.readerIndex(), length);
    }

    /** Hands out the waiting bytes (the caller now owns them), or {@code null} if none are waiting. */
    public @Nullable ByteBuf take() {
        ByteBuf b = buffer;
        buffer = null;
        return b;
    }
}
