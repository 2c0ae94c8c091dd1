package dev.relay.client;

import dev.relay.core.chat.Names;
import dev.relay.core.codec.Framing;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
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
 * @param nick              the nick to arrive with (and to take back after a reconnect), or {@code null} for a
 *                          guest nick
 * @param rooms             the rooms to arrive in, normalised, the first of them current; empty for the
 *                          server's default room
 * @param connectTimeout    the longest wait for the TCP connection and the welcome; default 10 s
 * @param requestTimeout    the longest wait for the answer to a command; default 10 s
 * @param heartbeatInterval after this long without a line from the server, or without sending one, the
 *                          client sends a ping, and after as long again without a line from the server it
 *                          drops the connection (and reconnects if enabled); {@link Duration#ZERO} turns
 *                          this off. Independently of it, the client pings within 40% of the idle timeout
 *                          the server states, so that a client that only listens is never idle-closed;
 *                          default 30 s
 * @param reconnect         what to do when an established connection is lost; default
 *                          {@link ReconnectPolicy#defaults()}
 */
public record RelayClientConfig(
        String host,
        int port,
        Framing framing,
        int maxFrameLength,
        @Nullable String nick,
        List<String> rooms,
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
        Objects.requireNonNull(rooms, "rooms");
        List<String> normalised = new ArrayList<>();
        for (String room : rooms) {
            String name = Names.normalizeRoom(Objects.requireNonNull(room, "room"));
            String problem = Names.roomProblem(name);
            if (problem != null) {
                throw new IllegalArgumentException("bad room '" + room + "': " + problem);
            }
            if (!normalised.contains(name)) {
                normalised.add(name);
            }
        }
        requirePositive(connectTimeout, "connectTimeout");
        requirePositive(requestTimeout, "requestTimeout");
        if (heartbeatInterval.isNegative()) {
            throw new IllegalArgumentException("heartbeatInterval must not be negative");
        }
        rooms = List.copyOf(normalised);
    }

    /** The room to arrive in as current (the first of {@link #rooms()}), or {@code null} for the server's default. */
    public @Nullable String room() {
        return rooms.isEmpty() ? null : rooms.get(0);
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
        private List<String> rooms = List.of();
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

        /** One room to arrive in, or {@code null} for the server's default room. */
        public Builder room(@Nullable String room) {
            this.rooms = room == null ? List.of() : List.of(room);
            return this;
        }

        /** The rooms to arrive in; the first is current. None: the server's default room. */
        public Builder rooms(String... rooms) {
            return rooms(List.of(rooms));
        }

        /** The rooms to arrive in; the first is current. Empty: the server's default room. */
        public Builder rooms(List<String> rooms) {
            this.rooms = List.copyOf(rooms);
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
            return new RelayClientConfig(host, port, framing, max, nick, rooms, connectTimeout, requestTimeout,
                    heartbeatInterval, reconnect);
        }
    }
}
