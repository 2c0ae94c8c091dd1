package dev.relay.core.chat;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.jspecify.annotations.Nullable;

/**
 * The seam through which the chat protocol hands out everything it says to more than the sender: room
 * messages, presence notices and private messages. {@link LocalDelivery} delivers on this node; a
 * cluster bus can implement this interface to also publish to, and deliver from, other nodes, without
 * any change to the handlers.
 *
 * <p>Each argument {@code line} is one complete protocol line without its line ending; the
 * implementation frames it for each recipient.
 *
 * <p>Thread-safety: implementations must accept calls from any event loop concurrently, and must not
 * block.
 */
public interface Delivery {

    /** Delivers {@code line} to every member of room {@code room} except {@code except} (may be {@code null}). */
    void toRoom(String room, @Nullable Channel except, CharSequence line);

    /**
     * Delivers {@code line}, given as its UTF-8 bytes (valid UTF-8, no line break, already safe to show),
     * to every member of room {@code room} except {@code except}: the chat path for clean lines, which
     * are relayed without being decoded. Takes ownership of {@code line} and releases it.
     *
     * <p>The default decodes it and calls {@link #toRoom(String, Channel, CharSequence)}; an
     * implementation that can pass bytes on as they are should override it.
     */
    default void toRoom(String room, @Nullable Channel except, ByteBuf line) {
        String text;
        try {
            text = line.toString(StandardCharsets.UTF_8);
        } finally {
            line.release();
        }
        toRoom(room, except, text);
    }

    /**
     * Delivers {@code line} to every member of room {@code room} except {@code except}, as a notice that may
     * wait up to {@code within} to share a write with what follows it, but never falls behind what follows
     * it: presence ({@link ChatLimits#presenceDelay()}). The default delivers it at once, like {@link
     * #toRoom(String, Channel, CharSequence)}.
     */
    default void announce(String room, @Nullable Channel except, CharSequence line, Duration within) {
        toRoom(room, except, line);
    }

    /**
     * Delivers {@code line} to the user with nick {@code nick} (matched case-insensitively).
     *
     * @return {@code false} if no such user is known, so the sender can be told
     */
    boolean toUser(String nick, CharSequence line);
}
