package dev.relay.core.chat;

import dev.relay.core.Room;
import io.netty.channel.Channel;
import io.netty.util.AttributeKey;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The chat state of one connection: its nick, the rooms it is in and which of them is current (where a
 * plain line goes). Stored on the channel and changed only by the {@link ChatHandler} on the channel's
 * event loop; other threads (a {@code /who} from another connection, an embedding app) may read it at
 * any time and see a recent value: the room set is replaced, never changed in place.
 */
public final class Session {

    private static final AttributeKey<Session> KEY = AttributeKey.valueOf(Session.class, "session");

    private final Channel channel;
    private volatile String nick;
    /**
     * The rooms by name, least recently current first: the current room is the last entry. A copy is
     * published on every change, so readers on other threads never see one half made.
     */
    private volatile LinkedHashMap<String, Room> rooms = new LinkedHashMap<>();
    /** The last entry of {@link #rooms}, kept at hand: it is read for every chat line. */
    private volatile @Nullable Room current;

    /** {@link #messagePrefix}'s cache, and what it was made for; event loop only. */
    private byte @Nullable [] messagePrefix;
    private @Nullable Room prefixRoom;
    private @Nullable String prefixNick;

    private volatile boolean unannounced;

    Session(Channel channel, String nick) {
        this.channel = channel;
        this.nick = nick;
    }

    /** The session of {@code channel}, or {@code null} before the chat handler has welcomed it. */
    public static @Nullable Session of(Channel channel) {
        return channel.attr(KEY).get();
    }

    /**
     * Whether the session's rooms have not been told of it yet: a guest that has sent nothing (PROTOCOL.md,
     * "Silent guests"). Written on the session's loop, read from any (by {@code /who}).
     */
    public boolean unannounced() {
        return unannounced;
    }

    void unannounced(boolean value) {
        this.unannounced = value;
    }

    void attach() {
        channel.attr(KEY).set(this);
    }

    public Channel channel() {
        return channel;
    }

    /** The nick, as the user spelled it. */
    public String nick() {
        return nick;
    }

    /**
     * The current room: where a plain line goes. {@code null} only while the connection is being set up
     * or torn down; a session is otherwise always in at least one room.
     */
    public @Nullable Room room() {
        return current;
    }

    /** The rooms this connection is in, least recently current first: the current room is the last. */
    public List<Room> rooms() {
        return List.copyOf(rooms.values());
    }

    /** The room called {@code name} (normalised) if this connection is in it, else {@code null}. */
    public @Nullable Room room(String name) {
        return rooms.get(name);
    }

    /** How many rooms this connection is in. */
    public int roomCount() {
        return rooms.size();
    }

    void nick(String nick) {
        this.nick = nick;
    }

    /** Adds {@code room} (or moves it, if present) to the end: it becomes the current room. Event loop only. */
    void makeCurrent(Room room) {
        LinkedHashMap<String, Room> next = new LinkedHashMap<>(rooms);
        next.remove(room.name());
        next.put(room.name(), room);
        rooms = next;
        current = room;
    }

    /** Takes {@code room} out of the set; the current room is then the most recently current one left. */
    void remove(Room room) {
        LinkedHashMap<String, Room> next = new LinkedHashMap<>(rooms);
        next.remove(room.name());
        rooms = next;
        Room last = null;
        for (Room left : next.values()) {
            last = left;
        }
        current = last;
    }

    /** Empties the room set and returns what it held, most recently current last. Event loop only. */
    List<Room> removeAll() {
        List<Room> all = new ArrayList<>(rooms.values());
        rooms = new LinkedHashMap<>();
        current = null;
        return Collections.unmodifiableList(all);
    }

    /**
     * The bytes {@code "MSG room nick "} for the current room, for a chat line built on the bytes; made
     * again only when the room or the nick has changed. Event loop only.
     */
    byte[] messagePrefix(Room room) {
        byte[] prefix = messagePrefix;
        if (prefix == null || prefixRoom != room || prefixNick != nick) {
            prefixRoom = room;
            prefixNick = nick;
            prefix = messagePrefix = ServerLines.message(room.name(), nick, "").getBytes(StandardCharsets.US_ASCII);
        }
        return prefix;
    }

    @Override
    public String toString() {
        Room current = room();
        return "Session(" + nick + " in " + (current == null ? "-" : current.name()) + " of "
                + rooms.keySet() + ")";
    }
}
