package dev.relay.core;

import dev.relay.core.codec.BufferedInbound;
import dev.relay.core.codec.FrameBatch;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.util.AttributeKey;
import io.netty.util.internal.SystemPropertyUtil;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * What one channel makes the server hold, as its {@link SlowConsumerGuard} keeps track of it: its
 * pending outbound bytes (the channel's outbound buffer plus its fan-out {@link FrameBatch}) and its
 * inbound bytes (an unfinished frame, frames held back by a read gate), and the state of the
 * slow-consumer rules for it.
 *
 * <p>Threading: made and changed on the channel's event loop. {@link #doomed}, {@link #shedding} and
 * {@link #inboundHeld} are read by other threads (the guard choosing whom to cut for the memory budget).
 */
final class Account {

    static final AttributeKey<Account> KEY = AttributeKey.valueOf(Account.class, "account");
    /** What Netty's outbound buffer adds to each queued message's size (its own default, and property). */
    private static final int ENTRY_OVERHEAD =
            SystemPropertyUtil.getInt("io.netty.transport.outboundBufferEntrySizeOverhead", 96);

    final Channel channel;
    final LoopLedger ledger;
    final FrameBatch batch;
    private final BufferedInbound[] inbound;

    /** Index in the ledger's list, for removal in O(1); loop only. */
    int index = -1;
    /** What this account last added to its ledger's total; loop only. */
    long charged;
    /**
     * When the current episode over the soft limit began: the pending bytes went over it and, since then,
     * the member has not read a soft limit's worth; 0 while they are under the limit.
     */
    long overSince;
    /** Bytes of relayed traffic written to the channel so far, in the units its outbound buffer counts. */
    long written;
    /** What the socket had taken ({@link #taken}) when the episode began: how much it read since. */
    private long takenWhenOver;
    /** Whether the channel's outbound buffer counts buffer capacity ({@link HeldBytesEstimator}). */
    private final boolean byCapacity;
    /** The unfinished inbound frame's size at the last sweep, and since when it has not changed. */
    long lastPartial;
    long partialSince;
    /** Messages skipped under {@link SlowConsumerPolicy#DROP} since the client was last told; loop only. */
    long missed;
    /** Inbound memory at the last sweep, for other threads. */
    volatile long inboundHeld;
    /** Skipping room traffic under {@link SlowConsumerPolicy#DROP} until the client catches up. */
    volatile boolean shedding;
    /** Being closed: nothing more is queued for it. */
    volatile boolean doomed;
    /** What was counted as about to be freed when the guard chose to close it for the budget. */
    private long doomedBytes;
    /** The guard's enforcement pass only (one at a time): the estimate it sorts by. */
    long sortKey;
    /** The guard's enforcement pass only: whether the client was stuck, which it sorts by first. */
    boolean sortStuck;
    /** The episode of the read gate being closed that the rules time ({@link #gatedWithoutReading}); loop only. */
    private long gatedSince;
    private long takenWhenGated;
    /** Bytes the socket had taken ({@link #written} less what the channel held) at the last sweep; loop only. */
    private long takenAtSweep;
    /**
     * How many sweeps in a row found the client holding bytes and taking none of them: outbound bytes
     * its socket did not take, or an unfinished frame that did not grow. 0 for a client that reads (or
     * has nothing waiting) and for one whose frame grows. Written by its loop's sweep; read by the
     * guard's enforcement on any thread.
     */
    volatile int stuckSweeps;

    Account(Channel channel, LoopLedger ledger) {
        this.channel = channel;
        this.byCapacity = channel.config().getMessageSizeEstimator() instanceof HeldBytesEstimator;
        this.ledger = ledger;
        this.batch = FrameBatch.of(channel);
        List<BufferedInbound> found = new ArrayList<>();
        for (Map.Entry<String, ChannelHandler> entry : channel.pipeline()) {
            if (entry.getValue() instanceof BufferedInbound buffered) {
                found.add(buffered);
            }
        }
        this.inbound = found.toArray(new BufferedInbound[0]);
    }

    /** Starts an episode over the soft limit at {@code now}; {@code pending} is what the channel holds. Loop only. */
    void overSoftLimit(long now, long pending) {
        overSince = now;
        takenWhenOver = taken(pending);
    }

    /** Back under the soft limit. Loop only. */
    void underSoftLimit() {
        overSince = 0;
    }

    /** Bytes the socket has taken since the episode began, given what the channel holds now. Loop only. */
    long readSinceOverLimit(long pending) {
        return taken(pending) - takenWhenOver;
    }

    /**
     * Bytes of relayed traffic the socket has taken so far, given that the channel holds {@code held}:
     * what only goes up while the client reads (replies written meanwhile make it dip). Loop only.
     */
    private long taken(long held) {
        return written - held;
    }

    /** Counts {@code batch}, about to be written to the channel, as its outbound buffer will. Loop only. */
    void countWrite(ByteBuf batch) {
        written += (byCapacity ? batch.capacity() : batch.readableBytes()) + ENTRY_OVERHEAD;
    }

    /**
     * Notes, at a sweep, whether the client is stuck: {@code pendingOutbound} bytes wait for it, of which
     * the channel holds {@code held}, and its unfinished frame is {@code partial} bytes, {@code grew}
     * since the last sweep or not. Loop only.
     */
    void noteProgress(long held, long pendingOutbound, long partial, boolean grew) {
        long taken = taken(held);
        boolean outboundStuck = pendingOutbound > 0 && taken <= takenAtSweep;
        boolean inboundStuck = partial >= SlowConsumerGuard.STALLED_FRAME_BYTES && !grew;
        takenAtSweep = taken;
        int stuck = stuckSweeps;
        stuckSweeps = outboundStuck || inboundStuck ? (stuck == Integer.MAX_VALUE ? stuck : stuck + 1) : 0;
    }

    /** Marks the account as being closed; {@code false} if it already was. Any thread. */
    synchronized boolean markDoomed(long counted) {
        if (doomed) {
            return false;
        }
        doomedBytes = counted;
        doomed = true;
        return true;
    }

    /** What {@link #markDoomed} counted as about to be freed, once. Any thread. */
    synchronized long takeDoomedBytes() {
        long bytes = doomedBytes;
        doomedBytes = 0;
        return bytes;
    }

    /** Pending outbound bytes: what the channel holds plus its batch. Loop only (the batch). */
    long pendingOutbound() {
        return SlowConsumerGuard.pendingBytes(channel) + batch.size();
    }

    /** Inbound memory held now. Loop only. */
    long inboundBytes() {
        long sum = 0;
        for (BufferedInbound buffered : inbound) {
            sum += buffered.heldInboundBytes();
        }
        return sum;
    }

    /** The largest unfinished frame held now. Loop only. */
    long partialFrameBytes() {
        long max = 0;
        for (BufferedInbound buffered : inbound) {
            max = Math.max(max, buffered.partialFrameBytes());
        }
        return max;
    }

    /**
     * Since when reading has been held back because the client's output is over its high water mark
     * while the client read less than {@code enough} bytes: the gate's closing, or the last time it read
     * that much since; 0 while the gate is open. A client that is behind but reading, a publisher whose
     * room talks faster than it reads for a while, is thus not taken for one that reads nothing; the
     * soft limit's rule is the one for clients that read too slowly. From the sweep; loop only.
     */
    long gatedWithoutReading(long now, long held, long enough) {
        long closed = readBlockedSince();
        if (closed == 0) {
            gatedSince = 0;
            return 0;
        }
        long taken = taken(held);
        if (gatedSince == 0 || closed - gatedSince > 0) { // a new closing
            gatedSince = closed;
            takenWhenGated = taken;
        } else if (taken - takenWhenGated >= enough) {
            gatedSince = now;
            takenWhenGated = taken;
        }
        return gatedSince;
    }

    /** Since when reading has been held back because the client does not read; 0 if it is not. Loop only. */
    long readBlockedSince() {
        long since = 0;
        for (BufferedInbound buffered : inbound) {
            long blocked = buffered.readBlockedSinceNanos();
            if (blocked != 0 && (since == 0 || blocked < since)) {
                since = blocked;
            }
        }
        return since;
    }

    /** A recent estimate of everything held, readable from any thread. */
    long estimate() {
        return SlowConsumerGuard.pendingBytes(channel) + inboundHeld;
    }
}
