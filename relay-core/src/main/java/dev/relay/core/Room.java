package dev.relay.core;

import dev.relay.core.codec.FrameCodec;
import dev.relay.core.codec.Framing;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.util.concurrent.ImmediateEventExecutor;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;

/**
 * A named set of channels that hear each other. Members live in a {@link ChannelGroup}, which drops a
 * channel as soon as it closes. Rooms are made and removed by a {@link RoomRegistry}.
 *
 * <p>A broadcast encodes the message once per framing in use among the members (one pooled direct
 * buffer each; in practice one) and copies those exact bytes into each recipient's {@link
 * dev.relay.core.codec.FrameBatch}; the encoded buffer is shared read-only between loops (absolute
 * reads only, never its indices) and released by whoever is last. Members are indexed by event loop:
 * <ul>
 *   <li>members on the caller's own loop get the bytes at once, in their batch; each batch is written
 *       and flushed once at the end of the loop's pass, however many messages it holds;</li>
 *   <li>for each other loop, the broadcast is handed over once, with the frames and that loop's
 *       members, and that loop batches, writes and flushes them the same way.</li>
 * </ul>
 * No locks, future maps or per-recipient tasks are on this path. Writes to one member from one sender
 * keep their order, so each receiver sees a sender's messages in the order that sender's event loop
 * handled them. A member too far behind is handled by the registry's {@link SlowConsumerGuard}.
 *
 * <p>Thread-safety: all methods may be called from any thread. Broadcasting from a channel's own
 * event loop (as a handler does) is the fast path.
 */
public final class Room {

    private static final Framing[] FRAMING_KINDS = Framing.values();
    private static final int FRAMINGS = FRAMING_KINDS.length;
    private static final Group[] NO_GROUPS = {};

    /** The members on one event loop, and which framings they use (bit per ordinal). */
    private record Group(LoopFanOut fanOut, Member[] members, int framings) {
    }

    private final String name;
    private final ChannelGroup channels;
    private final RoomRegistry registry;
    /** Copy-on-write: replaced under {@code this} on every join and leave, read without a lock. */
    private volatile Group[] groups = NO_GROUPS;
    /** The chat layer's presence state of this room (see {@link #presenceState()}); never read here. */
    private final AtomicInteger presenceState = new AtomicInteger();

    Room(String name, RoomRegistry registry) {
        this.name = name;
        this.registry = registry;
        // The executor only serves group futures, which the fan-out never asks for.
        this.channels = new DefaultChannelGroup(name, ImmediateEventExecutor.INSTANCE);
    }

    /** The room's name, as it was given to {@link RoomRegistry#join}. */
    public String name() {
        return name;
    }

    /** The number of open member channels right now. */
    public int size() {
        return channels.size();
    }

    public boolean isEmpty() {
        return channels.isEmpty();
    }

    public boolean contains(Channel channel) {
        return channels.contains(channel);
    }

    /** A snapshot of the member channels. */
    public List<Channel> members() {
        return new ArrayList<>(channels);
    }

    /**
     * A word of state that the chat protocol keeps on the room, so that it lives and goes with the room and
     * is shared by every handler of the registry: its presence state (members counted, and whether their
     * arrivals are announced). The room itself never reads or changes it. Any thread: change it only by
     * compare-and-set.
     */
    public AtomicInteger presenceState() {
        return presenceState;
    }

    boolean add(Channel channel) {
        if (!channels.add(channel)) {
            return false;
        }
        synchronized (this) {
            ChannelFutureListener onClose = future -> remove(future.channel());
            Member member = new Member(channel, registry.fanOutFor(channel.eventLoop()), onClose,
                    registry.guard().accountOrNull(channel));
            channel.attr(Member.LATEST).set(member);
            Group[] current = groups;
            int at = indexOf(current, member.fanOut);
            Group[] next;
            if (at < 0) {
                next = Arrays.copyOf(current, current.length + 1);
                next[current.length] = new Group(member.fanOut, new Member[] {member}, framingBit(member));
            } else {
                next = current.clone();
                Member[] members = Arrays.copyOf(current[at].members, current[at].members.length + 1);
                members[members.length - 1] = member;
                next[at] = new Group(member.fanOut, members, current[at].framings | framingBit(member));
            }
            groups = next;
            channel.closeFuture().addListener(onClose);
        }
        return true;
    }

    boolean remove(Channel channel) {
        boolean removed = channels.remove(channel);
        synchronized (this) {
            Group[] current = groups;
            for (int g = 0; g < current.length; g++) {
                Member[] members = current[g].members;
                for (int m = 0; m < members.length; m++) {
                    if (members[m].channel == channel) {
                        channel.closeFuture().removeListener(members[m].closeListener);
                        registry.releaseFanOut(members[m].fanOut);
                        groups = without(current, g, m);
                        return true;
                    }
                }
            }
        }
        return removed;
    }

    private static Group[] without(Group[] groups, int g, int m) {
        Member[] members = groups[g].members;
        if (members.length == 1) {
            Group[] next = new Group[groups.length - 1];
            System.arraycopy(groups, 0, next, 0, g);
            System.arraycopy(groups, g + 1, next, g, groups.length - g - 1);
            return next;
        }
        Member[] rest = new Member[members.length - 1];
        System.arraycopy(members, 0, rest, 0, m);
        System.arraycopy(members, m + 1, rest, m, members.length - m - 1);
        int framings = 0;
        for (Member member : rest) {
            framings |= framingBit(member);
        }
        Group[] next = groups.clone();
        next[g] = new Group(groups[g].fanOut, rest, framings);
        return next;
    }

    private static int indexOf(Group[] groups, LoopFanOut fanOut) {
        for (int i = 0; i < groups.length; i++) {
            if (groups[i].fanOut == fanOut) {
                return i;
            }
        }
        return -1;
    }

    private static int framingBit(Member member) {
        return member.framing < 0 ? 0 : 1 << member.framing;
    }

    /**
     * Sends one text frame to every member except {@code except} (the sender, or {@code null} for all).
     * Members without a {@link FrameCodec} are skipped: they have no framing to write in.
     */
    public void broadcast(@Nullable Channel except, CharSequence text) {
        fanOut(except, text, null, 0);
    }

    /**
     * Sends one text frame to every member except {@code except}, as a line that may wait up to {@code
     * within}: it is queued in order with everything else for each member, but leaves with that member's
     * next flush (a message, a reply) or once {@code within} is over, rather than costing a write of its
     * own. For notices that nobody waits on, such as presence: when people join a room one after another,
     * each arrival is news to everyone already there, and most of those lines then share a write.
     * {@link Duration#ZERO} is {@link #broadcast(Channel, CharSequence)}.
     */
    public void announce(@Nullable Channel except, CharSequence text, Duration within) {
        fanOut(except, text, null, Math.max(0, within.toNanos()));
    }

    /**
     * Sends {@code payload} verbatim as one frame to every member except {@code except}: the raw relay.
     * Takes ownership of {@code payload} and releases it, even if the room is empty.
     */
    public void broadcast(@Nullable Channel except, ByteBuf payload) {
        try {
            fanOut(except, null, payload, 0);
        } finally {
            payload.release();
        }
    }

    private void fanOut(@Nullable Channel except, @Nullable CharSequence text, @Nullable ByteBuf payload,
            long waitNanos) {
        Group[] snapshot = groups;
        if (snapshot.length == 0) {
            return;
        }
        ByteBufAllocator alloc = except != null ? except.alloc() : snapshot[0].members[0].channel.alloc();
        ByteBuf[] encoded = new ByteBuf[FRAMINGS];
        try {
            for (Group group : snapshot) {
                if (group.fanOut.loop.inEventLoop()) {
                    for (Member member : group.members) {
                        if (member.framing >= 0) {
                            group.fanOut.deliver(member, except,
                                    encoded(encoded, member.framing, alloc, text, payload), waitNanos);
                        }
                    }
                } else if (group.framings != 0) {
                    handOff(group, except, encoded, alloc, text, payload, waitNanos);
                }
            }
        } finally {
            for (ByteBuf frame : encoded) {
                if (frame != null) {
                    frame.release();
                }
            }
        }
    }

    private static void handOff(Group group, @Nullable Channel except, ByteBuf[] encoded, ByteBufAllocator alloc,
            @Nullable CharSequence text, @Nullable ByteBuf payload, long waitNanos) {
        ByteBuf[] frames = new ByteBuf[FRAMINGS];
        long bytes = 0;
        try {
            for (int f = 0; f < FRAMINGS; f++) {
                if ((group.framings & (1 << f)) != 0) {
                    frames[f] = encoded(encoded, f, alloc, text, payload).retain(); // read-only from here on
                    bytes += frames[f].readableBytes();
                }
            }
        } catch (RuntimeException | Error e) {
            for (ByteBuf frame : frames) {
                if (frame != null) {
                    frame.release();
                }
            }
            throw e;
        }
        group.fanOut.handOff(new LoopFanOut.Handoff(group.members, except, frames, bytes, waitNanos));
    }

    private static ByteBuf encoded(ByteBuf[] encoded, int framing, ByteBufAllocator alloc,
            @Nullable CharSequence text, @Nullable ByteBuf payload) {
        ByteBuf frame = encoded[framing];
        if (frame == null) {
            Framing kind = FRAMING_KINDS[framing];
            frame = text != null ? kind.encode(alloc, text) : kind.encode(alloc, payload);
            encoded[framing] = frame;
        }
        return frame;
    }

    @Override
    public String toString() {
        return "Room(" + name + ", " + channels.size() + " members)";
    }
}
