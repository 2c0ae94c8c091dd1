package dev.relay.core;

import dev.relay.core.codec.FrameCodec;
import dev.relay.core.codec.Framing;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.EventLoop;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;

/**
 * The rooms of one relay, by name. A room is created when its first member joins and removed when its
 * last member leaves. Names are used exactly as given: callers normalise them first (the chat
 * protocol lower-cases them).
 *
 * <p>Thread-safety: all methods may be called from any thread. Joining and leaving are atomic per room
 * name, so a room is never removed while a join into it is in progress. {@link #tryJoin} checks its
 * limits and joins in one step: however many threads join at once, no room gets more members, and the
 * registry no more rooms, than they allow.
 */
public final class RoomRegistry {

    private static final Framing[] FRAMINGS = Framing.values();

    private final ConcurrentMap<String, Room> rooms = new ConcurrentHashMap<>();
    /**
     * The rooms in {@link #rooms}, changed only inside the map's per-name {@code compute}s, where a room
     * is created or removed: a cap is checked and a room counted in one step, across names.
     */
    private final AtomicInteger roomCount = new AtomicInteger();
    private final SlowConsumerGuard guard;
    /** The fan-out of each event loop that has members in a room here; counted, and dropped at 0. */
    private final ConcurrentMap<EventLoop, LoopFanOut> fanOuts = new ConcurrentHashMap<>();

    /** Rooms without a cap on what they queue for a member ({@link SlowConsumerGuard#unlimited()}). */
    public RoomRegistry() {
        this(SlowConsumerGuard.unlimited());
    }

    /** Rooms whose fan-out is bounded per member by {@code guard}. */
    public RoomRegistry(SlowConsumerGuard guard) {
        this.guard = Objects.requireNonNull(guard, "guard");
    }

    public SlowConsumerGuard guard() {
        return guard;
    }

    /** What {@link #tryJoin} did: {@link Joined} the room, or {@link Refused} and why. */
    public sealed interface JoinResult {
    }

    /** The channel is a member of {@code room} now. */
    public record Joined(Room room) implements JoinResult {
    }

    /** Why {@link #tryJoin} refused; nothing was changed. */
    public enum Refused implements JoinResult {
        /** The room does not exist, and the registry has as many rooms as allowed. */
        TOO_MANY_ROOMS,
        /** The room has as many members as allowed. */
        ROOM_FULL
    }

    /** Adds {@code channel} to room {@code name}, creating the room if needed, and returns the room. No limits. */
    public Room join(String name, Channel channel) {
        return ((Joined) tryJoin(name, channel, Integer.MAX_VALUE, Integer.MAX_VALUE)).room();
    }

    /**
     * Adds {@code channel} to room {@code name}, creating the room if needed, unless that would make more
     * than {@code maxRooms} rooms here or more than {@code maxMembers} members in the room. The check and
     * the join are one atomic step. A channel already in the room is never refused as one too many.
     *
     * @return {@link Joined} with the room, or the {@link Refused} reason
     */
    public JoinResult tryJoin(String name, Channel channel, int maxRooms, int maxMembers) {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(channel, "channel");
        JoinResult[] result = new JoinResult[1];
        rooms.compute(name, (key, room) -> {
            if (room == null) {
                if (!countNewRoom(maxRooms)) {
                    result[0] = Refused.TOO_MANY_ROOMS;
                    return null;
                }
                Room created = new Room(key, this);
                try {
                    created.add(channel);
                } catch (RuntimeException | Error e) {
                    roomCount.decrementAndGet(); // not created after all
                    throw e;
                }
                result[0] = new Joined(created);
                return created;
            }
            if (room.size() >= maxMembers && !room.contains(channel)) {
                result[0] = Refused.ROOM_FULL;
                return room;
            }
            room.add(channel);
            result[0] = new Joined(room);
            return room;
        });
        return result[0];
    }

    /** Counts one more room unless there are {@code maxRooms} already. Inside the map's compute only. */
    private boolean countNewRoom(int maxRooms) {
        while (true) {
            int count = roomCount.get();
            if (count >= maxRooms) {
                return false;
            }
            if (roomCount.compareAndSet(count, count + 1)) {
                return true;
            }
        }
    }

    /** Removes {@code channel} from {@code room}; removes the room from the registry once it is empty. */
    public void leave(Room room, Channel channel) {
        rooms.computeIfPresent(room.name(), (key, current) -> {
            current.remove(channel);
            if (current.isEmpty()) {
                roomCount.decrementAndGet();
                return null;
            }
            return current;
        });
    }

    /**
     * Sends one text frame to {@code target} alone (a private message) along the same per-loop path as
     * room traffic: it keeps its place after anything said to the target's room before it, and is
     * bounded by the same {@link SlowConsumerGuard}. A channel that never joined a room here (or has
     * no {@link FrameCodec}) gets a plain write. Any thread.
     */
    public void sendTo(Channel target, CharSequence text) {
        Member member = target.attr(Member.LATEST).get();
        if (member == null || member.framing < 0) {
            if (target.eventLoop().inEventLoop()) {
                if (guard.admit(target)) {
                    target.writeAndFlush(text, target.voidPromise());
                }
            } else {
                target.eventLoop().execute(() -> sendTo(target, text));
            }
            return;
        }
        ByteBuf frame = FRAMINGS[member.framing].encode(target.alloc(), text);
        if (member.fanOut.loop.inEventLoop()) {
            try {
                member.fanOut.deliver(member, null, frame, 0);
            } finally {
                frame.release();
            }
        } else {
            ByteBuf[] frames = new ByteBuf[FRAMINGS.length];
            frames[member.framing] = frame; // owned by the hand-off from here
            member.fanOut.handOff(new LoopFanOut.Handoff(new Member[] {member}, null, frames, frame.readableBytes(), 0));
        }
    }

    /** The fan-out of {@code loop}, counting one more member on it. */
    LoopFanOut fanOutFor(EventLoop loop) {
        return fanOuts.compute(loop, (key, fanOut) -> {
            LoopFanOut target = fanOut != null ? fanOut : new LoopFanOut(key, guard);
            target.members++;
            return target;
        });
    }

    /** Counts one member fewer on {@code fanOut}'s loop, forgetting the loop when it has none. */
    void releaseFanOut(LoopFanOut fanOut) {
        fanOuts.computeIfPresent(fanOut.loop,
                (key, current) -> current != fanOut || --current.members > 0 ? current : null);
    }

    /** The room called {@code name}, or {@code null} if it has no members. */
    public @Nullable Room get(String name) {
        return rooms.get(name);
    }

    /** A snapshot of the rooms, sorted by name. */
    public List<Room> rooms() {
        List<Room> snapshot = new ArrayList<>(rooms.values());
        snapshot.sort(Comparator.comparing(Room::name));
        return snapshot;
    }

    /** The number of rooms that have members. */
    public int size() {
        return rooms.size();
    }
}
