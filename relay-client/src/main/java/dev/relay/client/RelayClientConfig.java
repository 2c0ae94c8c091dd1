package dev.relay.client;

import dev.relay.core.chat.Names;
import dev.relay.core.codec.Framing;
import java.time.Duration;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Everything a {@link RelayClient} needs to know, immutable. Build one with {@link #builder()}; setters
 * validate at once.
 *
 * @param host              the server's host name or address; default {@code localhost}
 * @param port              the server's port; default 7777
 * @param framing           must match the server's; default {@link Framing#LINE}
 * @param maxFrameLength    the server's frame limit: longer messages are refused before sending, and
 *                          server lines up to 3 × this + 256 bytes are accepted; default per framing
 * @param nick              the nick to take after the welcome, or {@code null} to keep the guest nick
 * @param room              the room to join after the welcome, or {@code null} for the server's default
 * @param connectTimeout    the longest wait for the TCP connection, the welcome, and the nick and room
 *                          to be set; default 10 s
 * @param requestTimeout    the longest wait for the answer to a command; default 10 s
 * @param heartbeatInterval after this long without a line from the server the client sends a ping, and
 *                          after as long again without one it drops the connection (and reconnects if
 *                          enabled); {@link Duration#ZERO} turns the heartbeat off; default 30 s
 * @param reconnect         what to do when an established connection is lost; default
 *                          {@link ReconnectPolicy#defaults()}
 */
public record RelayClientConfig(
        String host,
        int port,
        Framing framing,
        int maxFrameLength,
        @Nullable String nick,
        @Nullable String room,
        Duration connectTimeout,
        Duration requestTimeout,
        Duration heartbeatInterval,
        ReconnectPolicy reconnect) {

    public static final int DEFAULT_PORT = 7777;

    public RelayClientConfig {
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(framing, "framing");
        Objects.requireNonNull(connectTimeout, "connectTimeout");
        Objects.requireNonNull(requestTimeout, "requestTimeout");
        Objects.requireNonNull(heartbeatInterval, "heartbeatInterval");
        Objects.requireNonNull(reconnect, "reconnect");
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("port must be between 1 and 65535: " + port);
        }
        if (maxFrameLength < 1 || maxFrameLength > Framing.MAX_FRAME_LENGTH_LIMIT / 4) {
            throw new IllegalArgumentException("maxFrameLength out of range: " + maxFrameLength);
        }
        if (nick != null && Names.nickProblem(nick) != null) {
            throw new IllegalArgumentException("bad nick '" + nick + "': " + Names.nickProblem(nick));
        }
        if (room != null && Names.roomProblem(Names.normalizeRoom(room)) != null) {
            throw new IllegalArgumentException("bad room '" + room + "': " + Names.roomProblem(Names.normalizeRoom(room)));
        }
        requirePositive(connectTimeout, "connectTimeout");
        requirePositive(requestTimeout, "requestTimeout");
        if (heartbeatInterval.isNegative()) {
            throw new IllegalArgumentException("heartbeatInterval must not be negative");
        }
        room = room == null ? null : Names.normalizeRoom(room);
    }

    private static void requirePositive(Duration d, String name) {
        if (d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException(name + " must be positive: " + d);
        }
    }

    /** The largest server line the client accepts. */
    int maxServerLineLength() {
        return 3 * maxFrameLength + 256;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Collects values for a {@link RelayClientConfig}. Not thread-safe. */
    public static final class Builder {
        private String host = "localhost";
        private int port = DEFAULT_PORT;
        private Framing framing = Framing.LINE;
        private int maxFrameLength;
        private @Nullable String nick;
        private @Nullable String room;
        private Duration connectTimeout = Duration.ofSeconds(10);
        private Duration requestTimeout = Duration.ofSeconds(10);
        private Duration heartbeatInterval = Duration.ofSeconds(30);
        private ReconnectPolicy reconnect = ReconnectPolicy.defaults();

        private Builder() {
        }

        public Builder host(String host) {
            this.host = Objects.requireNonNull(host, "host");
            return this;
        }

        public Builder port(int port) {
            this.port = port;
            return this;
        }

        public Builder framing(Framing framing) {
            this.framing = Objects.requireNonNull(framing, "framing");
            return this;
        }

        public Builder maxFrameLength(int maxFrameLength) {
            this.maxFrameLength = maxFrameLength;
            return this;
        }

        public Builder nick(@Nullable String nick) {
            this.nick = nick;
            return this;
        }

        public Builder room(@Nullable String room) {
            this.room = room;
            return this;
        }

        public Builder connectTimeout(Duration timeout) {
            this.connectTimeout = timeout;
            return this;
        }

        public Builder requestTimeout(Duration timeout) {
            this.requestTimeout = timeout;
            return this;
        }

        public Builder heartbeatInterval(Duration interval) {
            this.heartbeatInterval = interval;
            return this;
        }

        public Builder reconnect(ReconnectPolicy policy) {
            this.reconnect = policy;
            return this;
        }

        public RelayClientConfig build() {
            int max = maxFrameLength != 0 ? maxFrameLength : framing.defaultMaxFrameLength();
            return new RelayClientConfig(host, port, framing, max, nick, room, connectTimeout, requestTimeout,
                    heartbeatInterval, reconnect);
        }
    }
}
