package dev.relay.core;

import dev.relay.core.codec.FrameBatch;
import dev.relay.core.codec.FrameCodec;
import dev.relay.core.codec.FrameEncoder;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.util.AttributeKey;
import org.jspecify.annotations.Nullable;

/**
 * One channel's place in one room, with what the fan-out needs at hand so a delivery does no lookups:
 * the framing, the channel's {@link FrameBatch}, the pipeline context to write from, and the
 * loop-confined "has a batch waiting for this pass's flush" mark.
 *
 * <p>Frames are written from the {@link FrameEncoder}'s context: they are already framed, so the
 * handlers above the encoder (the chat protocol, an app's own) are skipped, while those below it
 * (towards the socket: TLS, for instance) see them as they see every other write.
 *
 * <p>Threading: immutable apart from {@link #dirty} and {@link #lazy}, which only the channel's event
 * loop touches.
 */
final class Member {

    /** The channel's most recent membership: how a private message finds the channel's fan-out. */
    static final AttributeKey<Member> LATEST = AttributeKey.valueOf(Member.class, "latest");

    final Channel channel;
    final LoopFanOut fanOut;
    /** The framing's ordinal, or -1 for a channel without a {@link FrameCodec} (nothing is written to it). */
    final int framing;
    final ChannelFutureListener closeListener;
    /** The channel's batch (shared with its other rooms): what this pass has for it so far. */
    final FrameBatch batch;
    /** What the channel holds, for the guard; {@code null} when the guard limits nothing. */
    final @Nullable Account account;
    private final @Nullable ChannelHandlerContext encoder;
    private final ChannelPromise voidPromise;
    /** Written to in this event loop pass and not flushed yet. */
    boolean dirty;
    /** Has frames that may wait, for the fan-out's lazy flush (unless another flush takes them first). */
    boolean lazy;

    /** Clears the lazy mark if {@code lazy}, the dirty one otherwise. */
    void unmark(boolean lazy) {
        if (lazy) {
            this.lazy = false;
        } else {
            this.dirty = false;
        }
    }

    Member(Channel channel, LoopFanOut fanOut, ChannelFutureListener closeListener, @Nullable Account account) {
        this.account = account;
        this.channel = channel;
        this.fanOut = fanOut;
        this.closeListener = closeListener;
        FrameCodec codec = FrameCodec.of(channel);
        this.framing = codec == null ? -1 : codec.framing().ordinal();
        this.encoder = channel.pipeline().context(FrameEncoder.class);
        this.voidPromise = channel.voidPromise();
        this.batch = FrameBatch.of(channel);
    }

    /**
     * Writes a batch (ownership passes) without flushing, and counts it for the guard's "has it read
     * since it went over the limit" rule. Call on the channel's event loop.
     */
    void write(ByteBuf frame) {
        if (account != null) {
            account.countWrite(frame);
        }
        if (encoder != null && !encoder.isRemoved()) {
            encoder.write(frame, voidPromise);
        } else {
            channel.write(frame, voidPromise);
        }
    }

    /** Flushes what {@link #write} wrote. Call on the channel's event loop. */
    void flush() {
        if (encoder != null && !encoder.isRemoved()) {
            encoder.flush();
        } else {
            channel.flush();
        }
    }
}
