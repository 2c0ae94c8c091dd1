package dev.relay.core.chat;

import dev.relay.core.Room;
import io.netty.channel.Channel;
import io.netty.util.AttributeKey;
import org.jspecify.annotations.Nullable;

/**
 * The chat state of one connection: its nick and its current room. Stored on the channel and changed
 * only by the {@link ChatHandler} on the channel's event loop; other threads (a {@code /who} from
 * another connection, an embedding app) may read it at any time and see a recent value.
 */
public final class Session {

    private static final AttributeKey<Session> KEY = AttributeKey.valueOf(Session.class, "session");

    private final Channel channel;
    private volatile String nick;
    private volatile @Nullable Room room;

    Session(Channel channel, String nick) {
        this.channel = channel;
        this.nick = nick;
    }

    /** The session of {@code channel}, or {@code null} before the chat handler has welcomed it. */
    public static @Nullable Session of(Channel channel) {
        return channel.attr(KEY).get();
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

    /** The current room, or {@code null} while the connection is being set up or torn down. */
    public @Nullable Room room() {
        return room;
    }

    void nick(String nick) {
        this.nick = nick;
    }

    void room(@Nullable Room room) {
        this.room = room;
    }

    @Override
    public String toString() {
        Room current = room;
        return "Session(" + nick + " in " + (current == null ? "-" : current.name()) + ")";
    }
}
