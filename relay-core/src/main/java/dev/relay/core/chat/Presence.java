package dev.relay.core.chat;

import dev.relay.core.Room;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Who hears of arrivals, departures and renames (PROTOCOL.md, "Big rooms"). In a room of up to the
 * presence limit ({@link ChatLimits#presenceLimit()}) everyone hears of everyone, as always. A room
 * that grows past it turns <b>quiet</b>: the {@code JOIN}, {@code LEAVE}, {@code QUIT} and {@code NICK}
 * lines of its members go to that member alone (or to no one, for a {@code QUIT}), and every member is
 * told once, with {@code PRESENCE room off}. Once it is down to {@link ChatLimits#presenceResumeAt()}
 * members it is announced again, and told so with {@code PRESENCE room on}. Without this, n arrivals in
 * one room cost n²/2 lines.
 *
 * <p>Whether a change is announced depends on the room as it was before it: the arrival that makes a
 * room quiet is still announced, then the {@code off} notice follows, so every member knew the whole
 * room at that moment; the departure that ends the quiet is not, and the {@code on} notice follows
 * instead (a client that keeps a member list asks {@code /who} then).
 *
 * <p><b>When.</b> A member's own presence lines are its answers and leave with them. The news of others
 * goes through {@link Delivery#announce} with the presence delay ({@link ChatLimits#presenceDelay()}): it
 * is queued in order with everything else for each member, and leaves with the member's next write or
 * once the delay is over. A room that fills up costs every member one line per arrival either way, but no
 * longer one write (and one wake-up of its reader) per line.
 *
 * <p><b>State and threads.</b> Each room's member count and quiet bit are packed in one int on the
 * room ({@link Room#presenceState()}), changed only by compare-and-set. Whether a room is quiet is one
 * volatile read and each arrival or departure one CAS: no member counting, no lock, on any thread.
 * Rooms are joined from every event loop at once; the one CAS that flips the bit is the only one that
 * sees the transition, so its thread alone sends the notice, exactly once per transition. The count is
 * of the sessions that have the room in their room set: an arrival counts once its join is committed
 * (after a {@code /hello}'s all-or-nothing), a departure when the session gives the room up.
 *
 * <p>Handlers that share a {@link dev.relay.core.RoomRegistry} share this state through the rooms, and
 * should share the limit too. Stateless otherwise; any thread.
 */
final class Presence {

    private static final int QUIET = 1;
    private static final int ONE_MEMBER = 2;

    /** What an arrival or a departure did to its room's presence. */
    enum Change {
        /** The room was announced, and still is: tell the room. */
        ANNOUNCED,
        /** The room was quiet, and still is: tell the member alone. */
        QUIET,
        /** This arrival made the room quiet: tell the room of it, then that the room is quiet now. */
        STOPPED,
        /** This departure ended the quiet: tell the member alone, then tell the room it is announced again. */
        RESUMED;

        /** Whether the room was quiet before this change: if so, the change is not announced. */
        boolean wasQuiet() {
            return this == QUIET || this == RESUMED;
        }
    }

    /** A change, and the room's members right after it. */
    record Step(Change change, int members) {
    }

    private final Delivery delivery;
    private final int limit;
    private final int resumeAt;
    private final Duration delay;

    Presence(Delivery delivery, ChatLimits limits) {
        this.delivery = delivery;
        this.limit = limits.presenceLimit();
        this.resumeAt = limits.presenceResumeAt();
        this.delay = limits.presenceDelay();
    }

    /** Whether the presence of others in {@code room} is not announced right now. O(1), any thread. */
    static boolean isQuiet(Room room) {
        return (room.presenceState().get() & QUIET) != 0;
    }

    /** Counts one more member of {@code room}; the room turns quiet if that takes it past the limit. */
    Step arrive(Room room) {
        AtomicInteger state = room.presenceState();
        while (true) {
            int before = state.get();
            int members = (before >>> 1) + 1;
            boolean wasQuiet = (before & QUIET) != 0;
            boolean quiet = wasQuiet || (limit > 0 && members > limit);
            if (state.compareAndSet(before, members * ONE_MEMBER | (quiet ? QUIET : 0))) {
                return new Step(wasQuiet ? Change.QUIET : quiet ? Change.STOPPED : Change.ANNOUNCED, members);
            }
        }
    }

    /** Counts one member fewer in {@code room}; a quiet room is announced again once down to the resume size. */
    Step depart(Room room) {
        AtomicInteger state = room.presenceState();
        while (true) {
            int before = state.get();
            int members = Math.max(0, (before >>> 1) - 1);
            boolean wasQuiet = (before & QUIET) != 0;
            boolean quiet = wasQuiet && members > resumeAt;
            if (state.compareAndSet(before, members * ONE_MEMBER | (quiet ? QUIET : 0))) {
                return new Step(!wasQuiet ? Change.ANNOUNCED : quiet ? Change.QUIET : Change.RESUMED, members);
            }
        }
    }

    /**
     * {@code session} has joined {@code room} (the join is committed): counts it, then says {@code JOIN} to
     * the room, or in a quiet room to the session alone followed by {@code PRESENCE room off}, so that a
     * client arriving in a quiet room knows at once; and tells the room if this arrival made it quiet.
     */
    void joined(ChannelHandlerContext ctx, Session session, Room room) {
        joined(ctx, session, room, true);
    }

    /** As {@link #joined(ChannelHandlerContext, Session, Room)}; unless {@code announce}, the others hear nothing yet. */
    void joined(ChannelHandlerContext ctx, Session session, Room room, boolean announce) {
        Step step = arrive(room);
        String join = ServerLines.join(room.name(), session.nick());
        reply(ctx, join); // its own confirmation at once; the others' news may wait for their next write
        if (step.change().wasQuiet()) {
            reply(ctx, ServerLines.presenceOff(room.name(), step.members(), limit));
            return;
        }
        if (announce) {
            announce(room, ctx.channel(), join);
        }
        if (step.change() == Change.STOPPED) {
            delivery.toRoom(room.name(), null, ServerLines.presenceOff(room.name(), step.members(), limit));
        }
    }

    /**
     * {@code session} is leaving {@code room} with {@code /part}, and is still in it: counts it, and says
     * {@code LEAVE} to the room, or in a quiet room to the session alone. Once it has left, call
     * {@link #departed} with the step returned.
     */
    Step parting(ChannelHandlerContext ctx, Session session, Room room) {
        Step step = depart(room);
        String leave = ServerLines.leave(room.name(), session.nick());
        reply(ctx, leave);
        if (!step.change().wasQuiet()) {
            announce(room, ctx.channel(), leave);
        }
        return step;
    }

    /** After a departure, with the member out of {@code room}: tells the room if announcements resume. */
    void departed(Room room, Step step) {
        if (step.change() == Change.RESUMED) {
            delivery.toRoom(room.name(), null, ServerLines.presenceOn(room.name(), step.members()));
        }
    }

    /**
     * {@code session} has disconnected and is out of {@code room}: counts it and, if {@code announce}, says
     * {@code QUIT} to the room unless the room is quiet or never heard of the session (a silent guest),
     * and tells the room if announcements resume. A departure that is not announced (a server shutdown)
     * is counted all the same.
     */
    void quit(Session session, Room room, String reason, boolean announce) {
        Step step = depart(room);
        if (!announce) {
            return;
        }
        if (!step.change().wasQuiet() && !session.unannounced()) { // a silent guest's room never heard of it
            announce(room, session.channel(), ServerLines.quit(room.name(), session.nick(), reason));
        }
        departed(room, step);
    }

    /** A silent guest, counted in {@code room} when it joined, speaks: the others hear its {@code JOIN} now (not in a quiet room). */
    void announceJoin(Session session, Room room) {
        if (!isQuiet(room)) {
            announce(room, session.channel(), ServerLines.join(room.name(), session.nick()));
        }
    }

    /** {@code oldNick} is now {@code newNick}: {@code NICK} to {@code room}, or in a quiet room to the session alone. */
    void renamed(ChannelHandlerContext ctx, Room room, String oldNick, String newNick) {
        String line = ServerLines.nick(room.name(), oldNick, newNick);
        reply(ctx, line);
        if (!isQuiet(room)) {
            announce(room, ctx.channel(), line);
        }
    }

    /** News of {@code about} to the rest of {@code room}: it may wait for their next write, up to the presence delay. */
    private void announce(Room room, Channel about, String line) {
        delivery.announce(room.name(), about, line, delay); // a zero delay sends it at once
    }

    /** Written, not flushed: {@link ChatHandler} flushes once per read; room lines queued before go first. */
    private static void reply(ChannelHandlerContext ctx, String line) {
        ctx.write(line, ctx.voidPromise());
    }
}
