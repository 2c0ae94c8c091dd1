package dev.relay.core;

import dev.relay.core.codec.BufferedInbound;
import io.netty.channel.Channel;
import io.netty.channel.ChannelOutboundBuffer;
import io.netty.channel.EventLoop;
import io.netty.util.internal.PlatformDependent;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Bounds what the server holds for its clients, per client and in total.
 *
 * <p><b>Per client.</b> A member's pending bytes (written but not yet taken by its socket, plus its
 * fan-out batch) are checked before each frame is queued for it. A member is <em>slow</em>, and the
 * {@link SlowConsumerPolicy} applies to it, only when one of these holds:
 * <ul>
 *   <li>its pending bytes have stayed above the soft limit ({@link #maxPendingBytes()}) for longer than
 *       the grace period ({@link #grace()}) without it draining: neither going below the limit, nor
 *       reading a soft limit's worth in that time. A reader that is behind for a moment, or one far
 *       behind that keeps taking its bytes, is left alone; one that has stopped (or reads less than a
 *       soft limit per grace period, 200 KiB/s by default) is cut within the grace period;</li>
 *   <li>its pending bytes go over the hard limit ({@link #maxPendingBytesHard()}), at once;</li>
 *   <li>the client has not read its own replies for longer than the grace period, so that its commands
 *       wait unread (a read gate such as {@link dev.relay.core.handler.ReadGateHandler} holds them), and
 *       it read less than a soft limit's worth in that time. A publisher that is behind on its room's
 *       traffic but reading it waits at the gate, and is not cut for it.</li>
 * </ul>
 *
 * <p><b>In total.</b> Everything the clients make the server hold (queued outbound bytes, frames handed
 * between event loops, unfinished inbound frames and frames waiting at a read gate) counts against one
 * budget ({@link #maxPendingTotal()}). Before it is reached (at fifteen sixteenths of it), connections
 * are closed until the total is back under seven eighths of the budget, so that client behaviour never
 * meets an {@link OutOfMemoryError}: first those that are stuck (for {@value #STUCK_SWEEPS} sweeps in a
 * row they held bytes and took none of them, or held an unfinished frame that did not grow), biggest
 * first; then, only if that is not enough, the others, biggest first. A reader that is behind in a
 * burst but reading is thus never closed for a client that is not reading. (Under either policy:
 * dropping a member's messages stops its queue from growing but frees nothing, and the budget exists
 * to free memory.)
 *
 * <p>Also, a connection whose unfinished inbound frame of {@value #STALLED_FRAME_BYTES} bytes or more
 * has not grown for the grace period is closed: it is a client that started a large frame and went
 * silent, holding the buffer.
 *
 * <p>Closing a channel from here sets its {@link CloseReason} (a {@link CloseReason.Kind#POLICY} close), which
 * the chat protocol tells its rooms.
 *
 * <p>Thread-safe. The per-frame check ({@link #admit}) runs on the member's event loop and costs a few
 * plain field updates; the time-based rules run in a sweep every 100 ms on each event loop that has
 * tracked channels, scheduled only while it has some.
 */
public final class SlowConsumerGuard {

    private static final Logger log = LoggerFactory.getLogger(SlowConsumerGuard.class);

    /** The default soft limit per client: 1 MiB. */
    public static final long DEFAULT_MAX_PENDING_BYTES = 1024 * 1024;
    /**
     * The default hard limit per client: 64 MiB, nats-server's {@code max_pending}. A reader that keeps
     * reading but is far behind (a publisher whose window spans all its readers lets one of them lag
     * by tens of MiB) stays under it; the budget bounds the sum.
     */
    public static final long DEFAULT_MAX_PENDING_BYTES_HARD = 64L * 1024 * 1024;
    /** The default grace period over the soft limit: 5 s. */
    public static final Duration DEFAULT_GRACE = Duration.ofSeconds(5);
    /** An unfinished inbound frame at least this big that stops growing for the grace period is cut. */
    public static final long STALLED_FRAME_BYTES = 16 * 1024;

    private static final long LOG_INTERVAL_NANOS = 10_000_000_000L;
    /**
     * Sweeps in a row (half a second) that found a client holding bytes and taking none of them, after
     * which the budget counts it as stuck and closes it before any client that is reading.
     */
    static final int STUCK_SWEEPS = 5;

    private final long maxPendingBytes;
    private final long maxPendingBytesHard;
    private final long graceNanos;
    private final long maxPendingTotal;
    private final SlowConsumerPolicy policy;
    private final boolean limited;
    private final long quantum;
    /** Direct memory in use (where Netty counts it), 70% of the maximum, past which the budget acts whatever its own count says. */
    private final long directLimit;
    /** 15/16 of the budget: where it starts closing, so that bytes counted a quantum late still fit. */
    private final long budgetTrigger;

    private final ConcurrentMap<EventLoop, LoopLedger> ledgers = new ConcurrentHashMap<>();
    private final Set<Account> accounts = ConcurrentHashMap.newKeySet();
    private final LongAdder handedOff = new LongAdder();
    /** The sum of what the ledgers last published. */
    private final LongAdder published = new LongAdder();
    private final AtomicLong doomedBytes = new AtomicLong();
    private final AtomicBoolean enforcing = new AtomicBoolean();
    /** When each kind of warning was last logged: the budget's, and a failed allocation's, apart, so that one never hides the other. */
    private final AtomicLong lastBudgetLog = new AtomicLong(System.nanoTime() - LOG_INTERVAL_NANOS);
    private final AtomicLong lastOutOfMemoryLog = new AtomicLong(System.nanoTime() - LOG_INTERVAL_NANOS);
    private final LongAdder dropped = new LongAdder();
    private final LongAdder disconnected = new LongAdder();
    private final LongAdder budgetCuts = new LongAdder();

    /**
     * A guard with one cap per client and no grace period or total budget: a member over
     * {@code maxPendingBytes} is handled by {@code policy} at once. For the full set of rules use
     * {@link #builder()}.
     */
    public SlowConsumerGuard(long maxPendingBytes, SlowConsumerPolicy policy) {
        this(builder().maxPendingBytes(maxPendingBytes).maxPendingBytesHard(maxPendingBytes).grace(Duration.ZERO)
                .maxPendingTotal(Long.MAX_VALUE).policy(policy));
    }

    private SlowConsumerGuard(Builder b) {
        if (b.maxPendingBytesHard < b.maxPendingBytes) {
            throw new IllegalArgumentException("the hard limit (" + b.maxPendingBytesHard
                    + ") must not be below the soft limit (" + b.maxPendingBytes + ")");
        }
        this.maxPendingBytes = b.maxPendingBytes;
        this.maxPendingBytesHard = b.maxPendingBytesHard;
        this.graceNanos = b.grace.toNanos();
        this.maxPendingTotal = b.maxPendingTotal;
        this.policy = b.policy;
        this.limited = maxPendingBytes != Long.MAX_VALUE || maxPendingTotal != Long.MAX_VALUE;
        this.quantum = Math.max(64 * 1024, maxPendingTotal / 256);
        this.budgetTrigger = maxPendingTotal - maxPendingTotal / 16;
        long maxDirect = PlatformDependent.maxDirectMemory();
        this.directLimit = maxDirect > 0 ? maxDirect - maxDirect * 3 / 10 : Long.MAX_VALUE;
    }

    /** No limit at all: what an app embedding bare rooms gets unless it asks for one. */
    public static SlowConsumerGuard unlimited() {
        return builder().maxPendingBytes(Long.MAX_VALUE).maxPendingBytesHard(Long.MAX_VALUE)
                .maxPendingTotal(Long.MAX_VALUE).build();
    }

    /** A builder with the defaults: 1 MiB soft, 64 MiB hard, 5 s grace, {@link #defaultMaxPendingTotal()}, disconnect. */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * The default server-wide budget: half of the JVM's maximum direct memory (which is the maximum heap
     * unless {@code -XX:MaxDirectMemorySize} or {@code -Dio.netty.maxDirectMemory} say otherwise). The
     * other half is headroom for the allocator's own pooling, the server's working buffers, and bytes
     * counted a moment late.
     */
    public static long defaultMaxPendingTotal() {
        long max = PlatformDependent.maxDirectMemory();
        if (max <= 0) {
            max = Runtime.getRuntime().maxMemory();
        }
        return Math.max(1024 * 1024, max / 2);
    }

    public long maxPendingBytes() {
        return maxPendingBytes;
    }

    public long maxPendingBytesHard() {
        return maxPendingBytesHard;
    }

    public Duration grace() {
        return Duration.ofNanos(graceNanos);
    }

    public long maxPendingTotal() {
        return maxPendingTotal;
    }

    public SlowConsumerPolicy policy() {
        return policy;
    }

    /** Messages skipped under {@link SlowConsumerPolicy#DROP}, over all members so far. */
    public long droppedMessages() {
        return dropped.sum();
    }

    /** Members closed by these rules so far (per-client rules and budget). */
    public long disconnectedMembers() {
        return disconnected.sum();
    }

    /** Members closed because the server-wide budget needed their bytes, so far. */
    public long budgetDisconnects() {
        return budgetCuts.sum();
    }

    /**
     * What the tracked connections hold now by this guard's count (outbound, hand-offs, inbound), as last
     * published by each event loop: a little behind, and on the high side. Any thread.
     */
    public long pendingTotal() {
        return handedOff.sum() + published.sum();
    }

    /** A ledger's published total changed by {@code delta}. Any thread. */
    void published(long delta) {
        published.add(delta);
    }

    /**
     * Counts {@code channel} against the rules and the budget from now on, before it is in any room: what
     * it sends before its session starts (a partial frame, lines waiting at the read gate) is held too,
     * and must be as visible to the budget as anything else. Joining a room does this anyway;
     * idempotent. Any thread.
     */
    public void watch(Channel channel) {
        accountOrNull(channel);
    }

    /** The channel's account, made and registered on first use; {@code null} if this guard limits nothing. Any thread. */
    @Nullable Account accountOrNull(Channel channel) {
        return limited ? account(channel) : null;
    }

    /** The channel's account, made and registered on first use. Any thread. */
    Account account(Channel channel) {
        Account account = channel.attr(Account.KEY).get();
        if (account != null) {
            return account;
        }
        LoopLedger ledger = ledgers.compute(channel.eventLoop(), (loop, current) -> {
            LoopLedger target = current != null ? current : new LoopLedger(loop, this);
            target.reserved++;
            return target;
        });
        Account made = new Account(channel, ledger);
        account = channel.attr(Account.KEY).setIfAbsent(made);
        if (account != null) {
            release(ledger);
            return account;
        }
        accounts.add(made);
        if (channel.eventLoop().inEventLoop()) {
            register(made);
        } else {
            channel.eventLoop().execute(() -> register(made));
        }
        return made;
    }

    private void register(Account account) {
        if (!account.channel.isOpen()) {
            forget(account);
            return;
        }
        account.ledger.add(account);
        account.channel.attr(BufferedInbound.CHANGED).set(() -> recount(account));
        account.channel.closeFuture().addListener(future -> forget(account));
    }

    private void forget(Account account) {
        if (accounts.remove(account)) {
            account.ledger.remove(account);
            long freed = account.takeDoomedBytes();
            if (freed != 0) {
                doomedBytes.addAndGet(-freed);
            }
            release(account.ledger);
        }
    }

    private void release(LoopLedger ledger) {
        ledgers.computeIfPresent(ledger.loop, (loop, current) -> current != ledger || --current.reserved > 0 ? current : null);
    }

    /**
     * Whether a frame may be written to {@code member} now; applies the rules when it may not. Call it on
     * the member's event loop, before each write of relayed traffic.
     */
    public boolean admit(Channel member) {
        return admit(member, 0);
    }

    /**
     * As {@link #admit(Channel)}, counting {@code unwritten} more bytes queued for {@code member} that its
     * channel does not know of yet (a fan-out batch, and the frame about to be added). On the member's
     * event loop.
     */
    public boolean admit(Channel member, long unwritten) {
        return !limited || admit(account(member), unwritten);
    }

    /** The per-frame check, on the hot path of every fan-out. On the account's event loop. */
    boolean admit(@Nullable Account account, long unwritten) {
        if (account == null) {
            return true; // not limited
        }
        if (account.doomed) {
            return false;
        }
        long held = pendingBytes(account.channel);
        long pending = held + unwritten;
        account.ledger.charge(account, pending + account.inboundHeld);
        if (pending <= maxPendingBytes) {
            account.underSoftLimit();
            if (account.shedding) {
                account.shedding = false;
            }
            return true;
        }
        if (pending > maxPendingBytesHard) {
            return slow(account, "too slow: over " + maxPendingBytesHard + " bytes waiting to be read");
        }
        long now = account.ledger.now();
        if (account.overSince == 0 || account.readSinceOverLimit(held) >= maxPendingBytes) {
            account.overSoftLimit(now, held); // over the limit now, or still, but it read a limit's worth
        }
        if (account.shedding || now - account.overSince > graceNanos) {
            return slow(account, overTooLong());
        }
        return true;
    }

    /** Counts what the account holds now, exactly (inbound growth reported by a handler). On its loop. */
    private void recount(Account account) {
        long inbound = account.inboundBytes();
        account.inboundHeld = inbound;
        account.ledger.charge(account, account.pendingOutbound() + inbound);
    }

    /** The time-based rules and an exact recount, for one account; from its ledger's sweep, on its loop. */
    void sweep(Account account, long now) {
        long held = pendingBytes(account.channel);
        long pending = held + account.batch.size();
        long inbound = account.inboundBytes();
        long partial = account.partialFrameBytes();
        account.inboundHeld = inbound;
        account.ledger.charge(account, pending + inbound);
        if (account.doomed) {
            return;
        }
        account.noteProgress(held, pending, partial, partial != account.lastPartial);
        if (pending <= maxPendingBytes) {
            account.underSoftLimit();
            if (account.shedding) {
                account.shedding = false;
            }
        } else if (account.overSince == 0 || account.readSinceOverLimit(held) >= maxPendingBytes) {
            account.overSoftLimit(now, held);
        } else if (now - account.overSince > graceNanos && !account.shedding) {
            slowAfterGrace(account, overTooLong());
        }
        long blocked = account.gatedWithoutReading(now, held, maxPendingBytes);
        if (blocked != 0 && now - blocked > graceNanos && !account.shedding) {
            slowAfterGrace(account, "too slow: did not read its own replies for more than " + graceMillis() + " ms");
        }
        if (partial < STALLED_FRAME_BYTES || partial != account.lastPartial) {
            account.lastPartial = partial;
            account.partialSince = partial < STALLED_FRAME_BYTES ? 0 : now;
        } else if (now - account.partialSince > graceNanos) {
            doom(account, "stalled: sent " + partial + " bytes of a frame, then nothing for more than "
                    + graceMillis() + " ms", 0);
        }
    }

    /** A member whose next frame cannot be allocated: closed, so that it never silently misses it. */
    void outOfMemory(Account account, OutOfMemoryError e) {
        logOccasionally(lastOutOfMemoryLog,
                "Out of memory queueing for {}; closing it (is --max-pending-total too high for this JVM?): {}",
                account.channel, e.toString());
        doom(account, "the server ran out of memory for this connection", 0);
    }

    private String overTooLong() {
        return "too slow: more than " + maxPendingBytes + " bytes waiting, and less than that read, for more than "
                + graceMillis() + " ms";
    }

    private long graceMillis() {
        return Duration.ofNanos(graceNanos).toMillis();
    }

    /** From the sweep: the member is slow, but no message is being refused right now. */
    private void slowAfterGrace(Account account, String why) {
        if (policy == SlowConsumerPolicy.DROP) {
            account.shedding = true;
        } else {
            doom(account, why, 0);
        }
    }

    private boolean slow(Account account, String why) {
        if (policy == SlowConsumerPolicy.DROP) {
            account.shedding = true;
            account.missed++;
            dropped.increment();
        } else {
            doom(account, why, 0);
        }
        return false;
    }

    /** Closes the account's channel for {@code why}, once; {@code counted} bytes were counted as freed by it. */
    private boolean doom(Account account, String why, long counted) {
        if (!account.markDoomed(counted)) {
            return false;
        }
        if (counted != 0) {
            doomedBytes.addAndGet(counted);
        }
        CloseReason.set(account.channel, CloseReason.Kind.POLICY, why);
        log.debug("Closing {}: {}", account.channel, why);
        disconnected.increment();
        account.channel.close();
        return true;
    }

    /** Counts frames waiting in a loop's hand-off queue (negative when they are drained). Any thread. */
    void handedOff(long bytes) {
        if (limited) {
            handedOff.add(bytes);
        }
    }

    /** Looks at the server-wide total and closes the biggest holders if it is over the budget. Any thread. */
    void checkBudget() {
        if (maxPendingTotal == Long.MAX_VALUE) {
            return;
        }
        long used = pendingTotal();
        long counted = used - doomedBytes.get();
        long direct = PlatformDependent.usedDirectMemory(); // -1 where the JDK allocates direct memory itself
        boolean overDirect = direct > directLimit && counted > 0;
        if ((counted <= budgetTrigger && !overDirect) || !enforcing.compareAndSet(false, true)) {
            return;
        }
        try {
            enforce(used, direct);
        } finally {
            enforcing.set(false);
        }
    }

    private void enforce(long used, long direct) {
        long counted = used - doomedBytes.get();
        long target = maxPendingTotal - maxPendingTotal / 8;
        if (direct > directLimit) {
            // The allocator holds more than the count says (fragmentation, its own pools): shrink the count
            // in proportion, so that real memory gets back under the line too.
            target = Math.min(target, (long) (counted * ((directLimit - directLimit / 4) / (double) direct)));
        }
        long excess = counted - target;
        if (excess <= 0) {
            return;
        }
        List<Account> candidates = new ArrayList<>();
        for (Account account : accounts) {
            if (!account.doomed) {
                long held = account.estimate();
                if (held > 0) {
                    account.sortKey = held;
                    account.sortStuck = account.stuckSweeps >= STUCK_SWEEPS;
                    candidates.add(account);
                }
            }
        }
        // The stuck first (taking none of what waits for them, or never finishing a frame), the biggest
        // first; then the others by size: a client that reads, only behind in a burst, goes only if
        // closing all of the stuck would not free enough, however much it holds.
        candidates.sort((a, b) -> a.sortStuck != b.sortStuck ? (a.sortStuck ? -1 : 1)
                : Long.compare(b.sortKey, a.sortKey));
        int closed = 0;
        long freed = 0;
        for (Account account : candidates) {
            if (excess <= 0) {
                break;
            }
            long held = account.sortKey;
            String why = "too slow: the server's memory budget of " + maxPendingTotal + " bytes was full, and this "
                    + (account.sortStuck ? "connection held " + held + " bytes it was not reading"
                            : "connection held the most (" + held + " bytes)");
            if (doom(account, why, held)) {
                budgetCuts.increment();
                closed++;
                freed += held;
                excess -= held;
            }
        }
        if (closed > 0) {
            logOccasionally(lastBudgetLog, "Memory budget: {} of {} bytes in use ({} bytes of direct memory); closed {} "
                    + "connection(s), those not reading first, then those holding the most ({} bytes)",
                    used, maxPendingTotal, direct, closed, freed);
        }
    }

    private static void logOccasionally(AtomicLong lastLog, String format, Object... args) {
        long now = System.nanoTime();
        long last = lastLog.get();
        if (now - last >= LOG_INTERVAL_NANOS && lastLog.compareAndSet(last, now)) {
            log.warn(format, args);
        }
    }

    /**
     * The quantum of growth after which an event loop publishes its total and looks at the budget: the
     * most the budget can be overrun by per loop between looks.
     */
    long quantum() {
        return quantum;
    }

    /**
     * The messages {@code member} missed under {@link SlowConsumerPolicy#DROP} since the last call (0 if
     * none), and resets the count. Call it on the member's event loop when it has caught up (its channel
     * became writable again) to tell it.
     */
    public static long takeMissed(Channel member) {
        Account account = member.attr(Account.KEY).get();
        if (account == null) {
            return 0;
        }
        long missed = account.missed;
        account.missed = 0;
        return missed;
    }

    /** Bytes written to {@code channel} that the socket has not taken yet; 0 once it is closed. Any thread. */
    public static long pendingBytes(Channel channel) {
        @Nullable ChannelOutboundBuffer buffer = channel.unsafe().outboundBuffer();
        return buffer == null ? 0 : buffer.totalPendingWriteBytes();
    }

    /** The limits of a {@link SlowConsumerGuard}. Not thread-safe; use from one thread. */
    public static final class Builder {
        private long maxPendingBytes = DEFAULT_MAX_PENDING_BYTES;
        private long maxPendingBytesHard = DEFAULT_MAX_PENDING_BYTES_HARD;
        private Duration grace = DEFAULT_GRACE;
        private long maxPendingTotal = defaultMaxPendingTotal();
        private SlowConsumerPolicy policy = SlowConsumerPolicy.DISCONNECT;

        private Builder() {
        }

        /** The soft limit per client, in bytes (at least 1). */
        public Builder maxPendingBytes(long bytes) {
            this.maxPendingBytes = positive(bytes, "maxPendingBytes");
            return this;
        }

        /** The hard limit per client, in bytes; at least the soft limit (checked by {@link #build()}). */
        public Builder maxPendingBytesHard(long bytes) {
            this.maxPendingBytesHard = positive(bytes, "maxPendingBytesHard");
            return this;
        }

        /** How long a client may stay over the soft limit; zero for not at all. */
        public Builder grace(Duration grace) {
            if (Objects.requireNonNull(grace, "grace").isNegative()) {
                throw new IllegalArgumentException("grace must not be negative: " + grace);
            }
            this.grace = grace;
            return this;
        }

        /** The server-wide budget, in bytes; {@link Long#MAX_VALUE} for none. */
        public Builder maxPendingTotal(long bytes) {
            this.maxPendingTotal = positive(bytes, "maxPendingTotal");
            return this;
        }

        public Builder policy(SlowConsumerPolicy policy) {
            this.policy = Objects.requireNonNull(policy, "policy");
            return this;
        }

        public SlowConsumerGuard build() {
            return new SlowConsumerGuard(this);
        }

        private static long positive(long bytes, String name) {
            if (bytes < 1) {
                throw new IllegalArgumentException(name + " must be positive: " + bytes);
            }
            return bytes;
        }
    }
}
