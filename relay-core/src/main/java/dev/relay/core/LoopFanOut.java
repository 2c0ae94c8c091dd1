package dev.relay.core;

import dev.relay.core.codec.FrameBatch;
import dev.relay.core.internal.LoopClock;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.EventLoop;
import io.netty.util.concurrent.Ticker;
import java.util.ArrayList;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;

/**
 * The fan-out's presence on one event loop, shared by all rooms of a registry. It does two things:
 * <ul>
 *   <li><b>One write and one flush per member per loop pass.</b> A frame for a member on this loop is
 *       copied into the member's {@link FrameBatch}; one task at the end of the loop's pass (after it
 *       has read everything ready) writes and flushes each batch once. A burst of N messages to a
 *       member costs one buffer and about one {@code write} syscall, not N, and nothing per message
 *       goes through the channel's outbound queue. A large frame (at least the share size) is not
 *       copied to a member that is keeping up (its channel is writable): the member's channel gets a
 *       retained view of the one encoded buffer, behind what was batched before it, and the flush
 *       gathers them in one {@code writev}. A member that is behind gets a copy, so that closing it
 *       frees what it holds. Either way the channel's
 *       outbound buffer counts the bytes, so the slow-consumer limits and the memory budget see a
 *       shared frame as they see a copied one: in full, for each member.</li>
 *   <li><b>One hand-off per message per loop.</b> A broadcast from another loop does not become a task
 *       per recipient: it queues one {@link Handoff} carrying the encoded frames and the recipients on
 *       this loop, and one drain task (scheduled only if none is pending) delivers every queued
 *       hand-off in order.</li>
 *   <li><b>Lines that may wait.</b> A frame delivered with a wait (presence: who came and went) goes
 *       into the member's batch like any other, in order with it, but does not ask for a flush of its own:
 *       it leaves with the member's next flush (a message, a reply), or at the latest once the wait is
 *       over. In a room that people join one after another, n arrivals cost n²/2 presence
 *       lines; this turns most of their writes (one system call each, and a wake-up of the reader) into
 *       part of a write that happens anyway, or into one write per member per interval.</li>
 * </ul>
 * What waits in the hand-off queue is bounded: past {@link #MAX_QUEUED_BYTES} the sender whose
 * broadcast crossed the line stops being read until this loop has caught up (under half of it), so a
 * loop that falls behind slows the publishers down rather than filling the heap.
 *
 * <p>Threading: {@link #handOff} may be called from any thread; everything else runs on {@link #loop}.
 */
final class LoopFanOut {

    /** Encoded bytes that may wait for this loop before senders are paused. */
    static final long MAX_QUEUED_BYTES = 8 << 20;
    /**
     * The work one drain pass does before it lets the loop serve its I/O and its other tasks (a new
     * connection's welcome, a reply): each delivery costs its frame's length plus
     * {@link #DELIVERY_COST}. About a millisecond here: some 16,000 deliveries of 100 B frames, 500 of
     * 8 KB ones. The rest of the queue waits for the loop's next pass.
     */
    static final long DRAIN_BUDGET = 4L << 20;
    /** What a delivery costs in {@link #DRAIN_BUDGET} besides its frame's bytes: the per-member work. */
    static final int DELIVERY_COST = 128;
    /** A member's batch is written out (not yet flushed) when it would grow past this. */
    static final int MAX_BATCH_BYTES = 64 * 1024;

    /**
     * One broadcast's recipients on this loop and its frames, indexed by framing ordinal: one for each
     * framing those recipients use, each a reference the hand-off owns.
     */
    record Handoff(Member[] members, @Nullable Channel except, @Nullable ByteBuf[] frames, long bytes, long waitNanos) {
        void release() {
            for (ByteBuf frame : frames) {
                if (frame != null) {
                    frame.release();
                }
            }
        }
    }

    /**
     * Frames of at least this many bytes go to each member by reference (a retained view of the one
     * encoded buffer, gathered with the member's other writes by {@code writev}) rather than copied into
     * its batch. Measured end to end (docs/PERFORMANCE.md, "Large frames by reference"): at 1 KiB copying
     * and sharing come out even, from 2 KiB up sharing is faster. But a view pins the whole frame (and
     * the allocator chunk under it) for as long as any member holds one, so closing a member that is
     * behind frees less than the budget counts it for; with 8 KB frames and hundreds of members that
     * never read, the budget then went on to close readers too (MemoryBudgetIT). Until the budget
     * accounts for that, only frames past the line framing's 8 KiB limit are shared.
     */
    static final int SHARE_BYTES = 16 * 1024;

    final EventLoop loop;
    private final SlowConsumerGuard guard;
    /** Members in rooms on this loop; the registry drops this fan-out at 0. Guarded by the registry's map. */
    int members;

    private final ArrayList<Member> dirty = new ArrayList<>();
    private boolean flushScheduled;
    private final Runnable flushTask = this::flushDirty;
    /** Members with lazily delivered frames waiting, for the lazy flush; may overlap {@link #dirty}. */
    private final ArrayList<Member> lazy = new ArrayList<>();
    private boolean lazyFlushScheduled;
    /** When the earliest lazy flush scheduled is due, on {@link #ticker}; meaningful while one is scheduled. */
    private long lazyFlushAt;
    private final Ticker ticker;
    private final Runnable lazyFlushTask = this::flushLazy;

    private final Queue<Handoff> inbox = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean drainScheduled = new AtomicBoolean();
    private final AtomicLong queuedBytes = new AtomicLong();
    private final Queue<Channel> paused = new ConcurrentLinkedQueue<>();
    private final Runnable drainTask = this::drain;

    LoopFanOut(EventLoop loop, SlowConsumerGuard guard) {
        this.loop = loop;
        this.guard = guard;
        this.ticker = LoopClock.of(loop);
    }

    /**
     * Appends {@code frame} to {@code member}'s batch unless it is {@code except} or the slow-consumer
     * guard refuses it, and marks it for this pass's flush; or, if {@code waitNanos} is positive, for the
     * member's next flush or a flush within that time, whichever comes first. On the loop only; does not
     * take {@code frame}.
     */
    void deliver(Member member, @Nullable Channel except, ByteBuf frame, long waitNanos) {
        if (member.channel == except || !member.channel.isActive()) {
            // closed, and still listed until its room hears of it: whatever it got now would wait in its
            // batch for a flush that would only release it, or (a lazy one, at shutdown) never come
            return;
        }
        FrameBatch batch = member.batch;
        int waiting = batch.size();
        int length = frame.readableBytes();
        if (!guard.admit(member.account, waiting + length)) {
            return;
        }
        try {
            if (length >= SHARE_BYTES && member.channel.isWritable()) {
                // Large: shared, not copied. What is batched goes first (order), then a view of the frame
                // that this member owns; the pass's flush hands both to one gathering write (writev).
                // Only to a member that is keeping up: one that is behind gets its own copy, so that
                // closing it (its limit, the budget) frees what it holds, which a view of a frame that
                // others still hold would not.
                ByteBuf before = batch.take();
                if (before != null) {
                    member.write(before);
                }
                member.write(frame.retainedDuplicate());
            } else {
                if (waiting > 0 && waiting + length > MAX_BATCH_BYTES) {
                    // A full batch goes to the socket now: bytes the server has not even tried to send must not
                    // count against a member that reads at full speed (the guard counts what the channel holds).
                    member.write(batch.take());
                    member.flush();
                }
                batch.append(frame);
            }
        } catch (OutOfMemoryError e) {
            // Only this member is affected: it is closed (it must not silently miss the frame), and the
            // fan-out goes on with the others.
            if (member.account != null) {
                guard.outOfMemory(member.account, e);
            } else {
                member.channel.close();
            }
            return;
        }
        if (waitNanos > 0) {
            markLazy(member, waitNanos);
        } else if (!member.dirty) {
            member.dirty = true;
            dirty.add(member);
            if (!flushScheduled) {
                flushScheduled = true;
                loop.execute(flushTask);
            }
        }
    }

    private void markLazy(Member member, long waitNanos) {
        if (member.dirty) {
            return; // this pass's flush takes it along
        }
        if (!member.lazy) {
            member.lazy = true;
            lazy.add(member);
        }
        long due = ticker.nanoTime() + waitNanos;
        if (!lazyFlushScheduled || due - lazyFlushAt < 0) {
            // the first wait, or a shorter one than the flush scheduled (another handler's setting): an
            // extra flush is harmless, one too late is not
            lazyFlushScheduled = true;
            lazyFlushAt = due;
            try {
                loop.schedule(lazyFlushTask, waitNanos, TimeUnit.NANOSECONDS);
            } catch (RejectedExecutionException shuttingDown) {
                flushLazy(); // the loop is stopping: now or never
            }
        }
    }

    /** Flushes the members that only lazy frames made dirty and that no flush has taken since. */
    private void flushLazy() {
        try {
            writeOutAll(lazy, true);
        } finally {
            lazyFlushScheduled = false;
        }
    }

    private void flushDirty() {
        try {
            writeOutAll(dirty, false);
        } finally {
            flushScheduled = false;
        }
    }

    /**
     * Writes out every member of {@code members} (the dirty or the lazy list, as {@code lazy} says),
     * clearing its mark, then empties the list. By index and re-reading the size: a handler that
     * broadcasts from inside a write or flush (writability change, exception) adds members while this
     * runs, and they are written out too.
     */
    private static void writeOutAll(ArrayList<Member> members, boolean lazy) {
        try {
            for (int i = 0; i < members.size(); i++) {
                Member member = members.get(i);
                member.unmark(lazy);
                writeOut(member);
            }
        } finally {
            for (int i = 0; i < members.size(); i++) {
                members.get(i).unmark(lazy); // if a write threw part-way, the rest are not stuck as marked
            }
            members.clear();
        }
    }

    /** Writes and flushes what waits for {@code member}: its batch, and a shared frame written but not flushed. */
    private static void writeOut(Member member) {
        ByteBuf waiting = member.batch.take();
        if (!member.channel.isActive()) {
            if (waiting != null) {
                waiting.release(); // closed meanwhile (cut, or gone): a write would only fail
            }
            return;
        }
        if (waiting != null) {
            member.write(waiting);
        }
        member.flush();
    }

    /** Queues a broadcast for this loop's members; takes ownership of the hand-off's frames. Any thread. */
    void handOff(Handoff handoff) {
        inbox.add(handoff);
        guard.handedOff(handoff.bytes());
        long queued = queuedBytes.addAndGet(handoff.bytes());
        Channel sender = handoff.except();
        if (queued > MAX_QUEUED_BYTES && sender != null && sender.config().isAutoRead()) {
            sender.config().setAutoRead(false);
            paused.add(sender);
        }
        scheduleDrain(false);
    }

    /**
     * Schedules the drain unless it is already: at once, or, {@code afterIo}, for the loop's next pass,
     * after its I/O. A task {@link EventLoop#execute}d from a task runs in the same pass, and a pass runs
     * tasks for up to a second before it looks at its sockets again; a scheduled one is taken at the
     * start of the next pass.
     */
    private void scheduleDrain(boolean afterIo) {
        if (drainScheduled.compareAndSet(false, true)) {
            try {
                if (afterIo) {
                    loop.schedule(drainTask, 0, TimeUnit.NANOSECONDS);
                } else {
                    loop.execute(drainTask);
                }
            } catch (RejectedExecutionException shuttingDown) {
                // the loop is gone and its channels with it; a later hand-off tries (and discards) again
                drainScheduled.set(false);
                discardInbox();
            }
        }
    }

    private void drain() {
        drainScheduled.set(false);
        boolean yielded = false;
        try {
            long spent = 0;
            for (Handoff handoff; (handoff = inbox.poll()) != null; ) {
                try {
                    for (Member member : handoff.members()) {
                        if (member.framing >= 0) {
                            ByteBuf frame = handoff.frames()[member.framing];
                            deliver(member, handoff.except(), frame, handoff.waitNanos());
                            spent += frame.readableBytes() + DELIVERY_COST;
                        }
                    }
                } finally {
                    handoff.release();
                    queuedBytes.addAndGet(-handoff.bytes());
                    guard.handedOff(-handoff.bytes());
                }
                if (spent >= DRAIN_BUDGET) {
                    yielded = true;
                    break;
                }
            }
            flushDirty();
        } finally {
            // also after an exception: go on with what is queued, and never leave a sender paused
            if (!inbox.isEmpty()) {
                // after a full pass, a backlog: new connections, replies and reads come between its parts
                scheduleDrain(yielded);
            }
            if (!paused.isEmpty() && queuedBytes.get() < MAX_QUEUED_BYTES / 2) {
                for (Channel sender; (sender = paused.poll()) != null; ) {
                    sender.config().setAutoRead(true);
                }
            }
        }
    }

    private void discardInbox() {
        for (Handoff handoff; (handoff = inbox.poll()) != null; ) {
            handoff.release();
            queuedBytes.addAndGet(-handoff.bytes());
            guard.handedOff(-handoff.bytes());
        }
        for (Channel sender; (sender = paused.poll()) != null; ) {
            sender.config().setAutoRead(true);
        }
    }
}
