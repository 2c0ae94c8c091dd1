package dev.relay.core;

import io.netty.channel.Channel;
import io.netty.util.AttributeKey;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Why the server is closing a connection: the one close-reason holder every handler that closes a
 * channel sets first, and the handlers that say goodbye read. The chat protocol tells the connection's
 * rooms the {@link #text()}; a WebSocket connection gets it in its close frame, with the close code of
 * the {@link #kind()}.
 *
 * <p>The first reason set on a channel wins: a close that follows another (a deadline after a
 * {@code BYE}) does not change why.
 *
 * <p>Immutable; {@link #set} and {@link #of} may be called from any thread.
 *
 * @param kind what sort of close this is
 * @param text a short human-readable reason, without line breaks
 */
public record CloseReason(Kind kind, String text) {

    private static final AttributeKey<CloseReason> KEY = AttributeKey.valueOf(CloseReason.class, "closeReason");

    /** The sorts of close, each with the WebSocket close code (RFC 6455, section 7.4.1) it maps to. */
    public enum Kind {
        /** The client asked for it ({@code /quit}): 1000. */
        NORMAL(1000),
        /** The server is shutting down: 1001. */
        GOING_AWAY(1001),
        /** The client broke its protocol's rules (a WebSocket frame out of place): 1002. */
        PROTOCOL_ERROR(1002),
        /** The client sent a kind of data the server does not take (binary WebSocket messages): 1003. */
        UNSUPPORTED_DATA(1003),
        /** A refusal or a limit (slow consumer, memory budget, idle, a full room): 1008. */
        POLICY(1008),
        /** A message over the size limit: 1009. */
        TOO_BIG(1009),
        /** Something went wrong on the server's side: 1011. */
        SERVER_ERROR(1011);

        private final int webSocketCode;

        Kind(int webSocketCode) {
            this.webSocketCode = webSocketCode;
        }

        /** The WebSocket close status code for this kind of close. */
        public int webSocketCode() {
            return webSocketCode;
        }
    }

    public CloseReason {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(text, "text");
    }

    /**
     * Records why {@code channel} is being closed, unless a reason was recorded before.
     *
     * @return the reason that holds now: this one, or the earlier one
     */
    public static CloseReason set(Channel channel, Kind kind, String text) {
        CloseReason reason = new CloseReason(kind, text);
        CloseReason earlier = channel.attr(KEY).setIfAbsent(reason);
        return earlier != null ? earlier : reason;
    }

    /** Why the server closed or is closing {@code channel}; {@code null} if it did not say (or the client left). */
    public static @Nullable CloseReason of(Channel channel) {
        return channel.attr(KEY).get();
    }
}
