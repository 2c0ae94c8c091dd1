package dev.relay.core.chat;

import dev.relay.core.Room;
import dev.relay.core.RoomRegistry;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import java.time.Duration;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Delivers to the rooms and sessions of this node only. Thread-safe and non-blocking.
 */
public final class LocalDelivery implements Delivery {

    private final RoomRegistry rooms;
    private final SessionRegistry sessions;

    public LocalDelivery(RoomRegistry rooms, SessionRegistry sessions) {
        this.rooms = Objects.requireNonNull(rooms, "rooms");
        this.sessions = Objects.requireNonNull(sessions, "sessions");
    }

    @Override
    public void toRoom(String room, @Nullable Channel except, CharSequence line) {
        Room target = rooms.get(room);
        if (target != null) {
            target.broadcast(except, line);
        }
    }

    @Override
    public void announce(String room, @Nullable Channel except, CharSequence line, Duration within) {
        Room target = rooms.get(room);
        if (target != null) {
            target.announce(except, line, within);
        }
    }

    @Override
    public void toRoom(String room, @Nullable Channel except, ByteBuf line) {
        Room target = rooms.get(room);
        if (target != null) {
            target.broadcast(except, line); // takes it
        } else {
            line.release();
        }
    }

    @Override
    public boolean toUser(String nick, CharSequence line) {
        Session target = sessions.find(nick);
        if (target == null || !target.channel().isActive()) {
            return false;
        }
        rooms.sendTo(target.channel(), line); // in order with room traffic, bounded like it
        return true;
    }
}
