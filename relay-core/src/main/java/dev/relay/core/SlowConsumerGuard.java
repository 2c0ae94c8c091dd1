package dev.relay.core;

import io.netty.channel.Channel;
import io.netty.channel.ChannelOutboundBuffer;
import io.netty.util.AttributeKey;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;

/**
 * Bounds what a room queues for one member: before each frame is written to a member, its pending
 * outbound bytes (written but not yet taken by the socket, including writes still queued from other
 * event loops) are checked against {@code maxPendingBytes}; over it, the {@link SlowConsumerPolicy}
 * applies. A member that reads keeps up and is never affected.
 *
 * <p>Thread-safe: called by every room's fan-out, from any event loop.
 */
public final class SlowConsumerGuard {

    /** Why a connection was closed, for the presence line its room gets. */
    public static final AttributeKey<String> CLOSE_REASON = AttributeKey.valueOf(SlowConsumerGuard.class, "closeReason");

    private static final AttributeKey<AtomicLong> MISSED = AttributeKey.valueOf(SlowConsumerGuard.class, "missed");

    /** No cap: what an app embedding bare rooms gets unless it asks for one. */
    public static final SlowConsumerGuard UNLIMITED = new SlowConsumerGuard(Long.MAX_VALUE, SlowConsumerPolicy.DISCONNECT);

    private final long maxPendingBytes;
    private final SlowConsumerPolicy policy;
    private final AtomicLong dropped = new AtomicLong();
    private final AtomicLong disconnected = new AtomicLong();

    public SlowConsumerGuard(long maxPendingBytes, SlowConsumerPolicy policy) {
        if (maxPendingBytes < 1) {
            throw new IllegalArgumentException("maxPendingBytes must be positive: " + maxPendingBytes);
        }
        this.maxPendingBytes = maxPendingBytes;
        this.policy = Objects.requireNonNull(policy, "policy");
    }

    public long maxPendingBytes() {
        return maxPendingBytes;
    }

    public SlowConsumerPolicy policy() {
        return policy;
    }

    /** Messages skipped under {@link SlowConsumerPolicy#DROP}, over all members so far. */
    public long droppedMessages() {
        return dropped.get();
    }

    /** Members closed under {@link SlowConsumerPolicy#DISCONNECT} so far. */
    public long disconnectedMembers() {
        return disconnected.get();
    }

    /**
     * Whether a frame may be written to {@code member} now; applies the policy when it may not. Every
     * write of relayed traffic to a client (room fan-out, private messages) goes through this.
     */
    public boolean admit(Channel member) {
        return admit(member, 0);
    }

    /**
     * As {@link #admit(Channel)}, counting {@code unwritten} more bytes queued for {@code member} that
     * its channel does not know of yet (a fan-out batch).
     */
    public boolean admit(Channel member, long unwritten) {
        if (maxPendingBytes == Long.MAX_VALUE) {
            return true;
        }
        long pending = pendingBytes(member) + unwritten;
        if (pending <= maxPendingBytes) {
            return true;
        }
        if (policy == SlowConsumerPolicy.DROP) {
            member.attr(MISSED).setIfAbsent(new AtomicLong());
            member.attr(MISSED).get().incrementAndGet();
            dropped.incrementAndGet();
        } else if (member.attr(CLOSE_REASON).setIfAbsent(
                "too slow: over " + maxPendingBytes + " bytes waiting to be read") == null) {
            disconnected.incrementAndGet();
            member.close();
        }
        return false;
    }

    /**
     * The messages {@code member} missed since the last call (0 if none), and resets the count. Call it
     * when the member has caught up (its channel became writable again) to tell it.
     */
    public static long takeMissed(Channel member) {
        AtomicLong missed = member.attr(MISSED).get();
        return missed == null ? 0 : missed.getAndSet(0);
    }

    /** Bytes written to {@code channel} that the socket has not taken yet; 0 once it is closed. */
    public static long pendingBytes(Channel channel) {
        @Nullable ChannelOutboundBuffer buffer = channel.unsafe().outboundBuffer();
        return buffer == null ? 0 : buffer.totalPendingWriteBytes();
    }
}
