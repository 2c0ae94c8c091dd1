package dev.relay.server;

import dev.relay.core.SlowConsumerGuard;
import dev.relay.core.SlowConsumerPolicy;
import dev.relay.core.chat.ChatHandler;
import dev.relay.core.chat.ChatLimits;
import dev.relay.core.chat.Names;
import dev.relay.core.codec.Framing;
import io.netty.channel.ChannelPipeline;
import java.time.Duration;
import java.util.Objects;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import org.jspecify.annotations.Nullable;

/**
 * Everything a {@link RelayServer} needs to know, immutable. Build one with {@link #builder()}: each
 * setter validates at once, and {@link Builder#build()} fills in the defaults.
 *
 * @param host           the address to bind; default {@value #DEFAULT_HOST} (all interfaces)
 * @param port           the port to bind; 0 (the default) picks a free one, see {@link RelayServer#port()}
 * @param framing        one framing for every client, or {@code null} (the default): every kind of client
 *                       on one port, told apart by its first bytes (line, length, HTTP and WebSocket;
 *                       PROTOCOL.md, "Detection"). A fixed framing serves no web page.
 * @param maxFrameLength the largest frame payload accepted, in bytes, for every kind of client; 0 (the
 *                       default with detection) means each framing's own default (8 KiB for lines and
 *                       WebSocket messages, 1 MiB for length frames): see {@link #maxFrameLength(Framing)}
 * @param ioThreads      event loop threads serving connections; 0 (the default) lets Netty pick (2 × cores)
 * @param defaultRoom    the room a new connection starts in; default {@value ChatHandler#DEFAULT_ROOM}
 * @param nativeTransport use epoll where available (the default) rather than NIO
 * @param maxPendingBytes the soft limit: bytes queued for one client that it has not read yet; a client
 *                        above it for longer than {@code slowConsumerGrace} is slow and the
 *                        {@code slowConsumerPolicy} applies; default {@value #DEFAULT_MAX_PENDING_BYTES} (1 MiB)
 * @param maxPendingBytesHard the hard limit per client: past it the policy applies at once; default
 *                        {@value dev.relay.core.SlowConsumerGuard#DEFAULT_MAX_PENDING_BYTES_HARD} (64 MiB)
 * @param slowConsumerGrace how long a client may stay above the soft limit; default 5 s
 * @param maxPendingTotal the server-wide memory budget for everything clients make it hold (queued
 *                        output, hand-offs, unfinished input), in bytes; 0 (the default) derives it from
 *                        the JVM: {@link SlowConsumerGuard#defaultMaxPendingTotal()}, half the maximum
 *                        direct memory. Before it is reached, connections are closed: those not reading
 *                        first, then those holding the most
 * @param slowConsumerPolicy what happens to a slow client; default {@link SlowConsumerPolicy#DISCONNECT}
 * @param drainTimeout    on {@link RelayServer#close()}, how long to wait for what is queued for
 *                        clients (then the goodbye) to be sent before closing anyway; default 5 s
 * @param maxConnections  open connections allowed in total; default {@value #DEFAULT_MAX_CONNECTIONS}
 * @param maxConnectionsPerAddress open connections allowed from one IP address, 0 for no cap; default
 *                        {@value #DEFAULT_MAX_CONNECTIONS_PER_ADDRESS}
 * @param messagesPerSecond lines one connection may send per second on average, 0 for no limit;
 *                        default {@value #DEFAULT_MESSAGES_PER_SECOND}
 * @param messageBurst    lines one connection may send at once before the rate applies; default
 *                        {@value #DEFAULT_MESSAGE_BURST}
 * @param idleTimeout     a connection that sends nothing (not even {@code /ping}) for this long is closed;
 *                        {@link Duration#ZERO} (the default) turns this off
 * @param chatLimits      room limits (rooms, members per room, rooms per connection), the presence limit, the
 *                        arrival window and the close timeout; default {@link ChatLimits#DEFAULTS}
 * @param nanoClock       the clock the rate limit reads; default {@link System#nanoTime()} (tests inject one)
 * @param pipelineCustomizer called for every chat connection once its kind is known and the relay's
 *                        handlers are added (names in {@link RelayPipeline}), on that connection's event
 *                        loop, before its session starts: add your own handlers here. The connection is
 *                        active by then, so they see {@link dev.relay.core.chat.TransportReady}, not
 *                        {@code channelActive}. Default does nothing
 * @param web             the web page and WebSocket clients: {@link WebConfig}; default {@link WebConfig#DEFAULTS}
 */
public record RelayServerConfig(
        String host,
        int port,
        @Nullable Framing framing,
        int maxFrameLength,
        int ioThreads,
        String defaultRoom,
        boolean nativeTransport,
        long maxPendingBytes,
        long maxPendingBytesHard,
        Duration slowConsumerGrace,
        long maxPendingTotal,
        SlowConsumerPolicy slowConsumerPolicy,
        Duration drainTimeout,
        int maxConnections,
        int maxConnectionsPerAddress,
        int messagesPerSecond,
        int messageBurst,
        Duration idleTimeout,
        ChatLimits chatLimits,
        LongSupplier nanoClock,
        Consumer<ChannelPipeline> pipelineCustomizer,
        WebConfig web) {

    public static final String DEFAULT_HOST = "0.0.0.0";
    public static final long DEFAULT_MAX_PENDING_BYTES = 1024 * 1024;
    public static final long DEFAULT_MAX_PENDING_BYTES_HARD = SlowConsumerGuard.DEFAULT_MAX_PENDING_BYTES_HARD;
    /** The smallest limit per client accepted, soft or hard. */
    public static final long MIN_MAX_PENDING_BYTES = 1024;
    /** The smallest memory budget accepted. */
    public static final long MIN_MAX_PENDING_TOTAL = 1024 * 1024;
    public static final Duration DEFAULT_SLOW_CONSUMER_GRACE = SlowConsumerGuard.DEFAULT_GRACE;
    public static final Duration DEFAULT_DRAIN_TIMEOUT = Duration.ofSeconds(5);
    /** The longest drain timeout accepted. */
    public static final Duration MAX_DRAIN_TIMEOUT = Duration.ofMinutes(10);
    /** The longest idle timeout accepted. */
    public static final Duration MAX_IDLE_TIMEOUT = Duration.ofDays(1);
    /** The longest slow-consumer grace period accepted. */
    public static final Duration MAX_SLOW_CONSUMER_GRACE = Duration.ofMinutes(10);
    public static final int DEFAULT_MAX_CONNECTIONS = 20_000;
    public static final int DEFAULT_MAX_CONNECTIONS_PER_ADDRESS = 1_000;
    public static final int DEFAULT_MESSAGES_PER_SECOND = 200;
    public static final int DEFAULT_MESSAGE_BURST = 500;

    private static final Consumer<ChannelPipeline> NO_CUSTOMIZER = pipeline -> { };

    public RelayServerConfig {
        Objects.requireNonNull(host, "host");
        if (framing != null && !framing.isStream()) {
            throw new IllegalArgumentException("a server's fixed framing must be line or length, not " + framing);
        }
        Objects.requireNonNull(web, "web");
        Objects.requireNonNull(defaultRoom, "defaultRoom");
        Objects.requireNonNull(pipelineCustomizer, "pipelineCustomizer");
        Objects.requireNonNull(slowConsumerPolicy, "slowConsumerPolicy");
        Builder.checkDuration("drain timeout", drainTimeout, MAX_DRAIN_TIMEOUT);
        Builder.checkDuration("idle timeout", idleTimeout, MAX_IDLE_TIMEOUT);
        Builder.checkDuration("slow-consumer grace", slowConsumerGrace, MAX_SLOW_CONSUMER_GRACE);
        Objects.requireNonNull(chatLimits, "chatLimits");
        Objects.requireNonNull(nanoClock, "nanoClock");
        if (maxConnections < 1 || maxConnectionsPerAddress < 0 || messagesPerSecond < 0 || messageBurst < 1
                || idleTimeout.isNegative()) {
            throw new IllegalArgumentException("need maxConnections >= 1, maxConnectionsPerAddress >= 0, "
                    + "messagesPerSecond >= 0, messageBurst >= 1, idleTimeout >= 0");
        }
        Builder.checkMaxPendingBytes(maxPendingBytes);
        Builder.checkMaxPendingBytes(maxPendingBytesHard);
        if (maxPendingBytesHard < maxPendingBytes) {
            throw new IllegalArgumentException("the hard limit per client (" + maxPendingBytesHard
                    + " bytes) must not be below the soft limit (" + maxPendingBytes + " bytes)");
        }
        if (maxPendingTotal != 0) {
            Builder.checkMaxPendingTotal(maxPendingTotal);
        }
        Builder.checkPort(port);
        if (maxFrameLength != 0 || framing != null) {
            Builder.checkMaxFrameLength(maxFrameLength);
        }
        Builder.checkIoThreads(ioThreads);
        Builder.checkRoom(defaultRoom);
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Whether the port tells kinds of client apart ({@link #framing()} is {@code null}). */
    public boolean detects() {
        return framing == null;
    }

    /** The largest payload accepted from a client framed as {@code kind}: the configured limit, or the framing's default. */
    public int maxFrameLength(Framing kind) {
        return maxFrameLength != 0 ? maxFrameLength : kind.defaultMaxFrameLength();
    }

    /** A builder holding this config's values. */
    public Builder toBuilder() {
        return new Builder().host(host).port(port).framing(framing).maxFrameLength(maxFrameLength)
                .ioThreads(ioThreads).defaultRoom(defaultRoom).nativeTransport(nativeTransport)
                .maxPendingBytes(maxPendingBytes).maxPendingBytesHard(maxPendingBytesHard)
                .slowConsumerGrace(slowConsumerGrace).maxPendingTotal(maxPendingTotal)
                .slowConsumerPolicy(slowConsumerPolicy).drainTimeout(drainTimeout)
                .maxConnections(maxConnections).maxConnectionsPerAddress(maxConnectionsPerAddress)
                .messageRate(messagesPerSecond, messageBurst).idleTimeout(idleTimeout).chatLimits(chatLimits)
                .nanoClock(nanoClock)
                .pipelineCustomizer(pipelineCustomizer).web(web);
    }

    /** Collects values for a {@link RelayServerConfig}. Not thread-safe; use from one thread. */
    public static final class Builder {
        private String host = DEFAULT_HOST;
        private int port;
        private @Nullable Framing framing; // null: detect
        private int maxFrameLength; // 0: the framing's default
        private WebConfig web = WebConfig.DEFAULTS;
        private int ioThreads;
        private String defaultRoom = ChatHandler.DEFAULT_ROOM;
        private boolean nativeTransport = true;
        private Consumer<ChannelPipeline> pipelineCustomizer = NO_CUSTOMIZER;
        private long maxPendingBytes = DEFAULT_MAX_PENDING_BYTES;
        private long maxPendingBytesHard; // 0: the default, or the soft limit if that is higher
        private Duration slowConsumerGrace = DEFAULT_SLOW_CONSUMER_GRACE;
        private long maxPendingTotal;
        private SlowConsumerPolicy slowConsumerPolicy = SlowConsumerPolicy.DISCONNECT;
        private Duration drainTimeout = DEFAULT_DRAIN_TIMEOUT;
        private int maxConnections = DEFAULT_MAX_CONNECTIONS;
        private int maxConnectionsPerAddress = DEFAULT_MAX_CONNECTIONS_PER_ADDRESS;
        private int messagesPerSecond = DEFAULT_MESSAGES_PER_SECOND;
        private int messageBurst = DEFAULT_MESSAGE_BURST;
        private Duration idleTimeout = Duration.ZERO;
        private ChatLimits chatLimits = ChatLimits.DEFAULTS;
        private LongSupplier nanoClock = System::nanoTime;

        private Builder() {
        }

        public Builder host(String host) {
            if (Objects.requireNonNull(host, "host").isBlank()) {
                throw new IllegalArgumentException("host must not be blank");
            }
            this.host = host.strip();
            return this;
        }

        public Builder port(int port) {
            checkPort(port);
            this.port = port;
            return this;
        }

        /** One framing (line or length) for every client; {@code null} (the default) detects each client's kind. */
        public Builder framing(@Nullable Framing framing) {
            if (framing != null && !framing.isStream()) {
                throw new IllegalArgumentException("a server's fixed framing must be line or length, not " + framing);
            }
            this.framing = framing;
            return this;
        }

        /** The web page and WebSocket settings. */
        public Builder web(WebConfig web) {
            this.web = Objects.requireNonNull(web, "web");
            return this;
        }

        /** The largest frame payload in bytes; 0 restores the framing's default. */
        public Builder maxFrameLength(int maxFrameLength) {
            if (maxFrameLength != 0) {
                checkMaxFrameLength(maxFrameLength);
            }
            this.maxFrameLength = maxFrameLength;
            return this;
        }

        public Builder ioThreads(int ioThreads) {
            checkIoThreads(ioThreads);
            this.ioThreads = ioThreads;
            return this;
        }

        /** The start room; a leading {@code #} is dropped and the name lower-cased. */
        public Builder defaultRoom(String room) {
            String name = Names.normalizeRoom(Objects.requireNonNull(room, "room"));
            checkRoom(name);
            this.defaultRoom = name;
            return this;
        }

        public Builder nativeTransport(boolean nativeTransport) {
            this.nativeTransport = nativeTransport;
            return this;
        }

        /** Most bytes queued for one client that it has not read yet (at least 1 KiB). */
        public Builder maxPendingBytes(long maxPendingBytes) {
            checkMaxPendingBytes(maxPendingBytes);
            this.maxPendingBytes = maxPendingBytes;
            return this;
        }

        /** The hard limit per client (at least 1 KiB, and not below the soft limit: checked by {@link #build()}). */
        public Builder maxPendingBytesHard(long maxPendingBytesHard) {
            checkMaxPendingBytes(maxPendingBytesHard);
            this.maxPendingBytesHard = maxPendingBytesHard;
            return this;
        }

        /** How long a client may stay above the soft limit before it counts as slow (0 to 10 minutes). */
        public Builder slowConsumerGrace(Duration grace) {
            checkDuration("slow-consumer grace", grace, MAX_SLOW_CONSUMER_GRACE);
            this.slowConsumerGrace = grace;
            return this;
        }

        /** The server-wide memory budget in bytes (at least 1 MiB); 0 derives it from the JVM's limits. */
        public Builder maxPendingTotal(long bytes) {
            if (bytes != 0) {
                checkMaxPendingTotal(bytes);
            }
            this.maxPendingTotal = bytes;
            return this;
        }

        public Builder maxConnections(int max) {
            if (max < 1) {
                throw new IllegalArgumentException("max connections must be at least 1: " + max);
            }
            this.maxConnections = max;
            return this;
        }

        /** Connections allowed from one IP address; 0 for no cap. */
        public Builder maxConnectionsPerAddress(int max) {
            if (max < 0) {
                throw new IllegalArgumentException("max connections per address must be 0 or more: " + max);
            }
            this.maxConnectionsPerAddress = max;
            return this;
        }

        /** The per-connection rate limit: {@code perSecond} lines a second (0: no limit) after a burst of {@code burst}. */
        public Builder messageRate(int perSecond, int burst) {
            if (perSecond < 0 || burst < 1) {
                throw new IllegalArgumentException("need a rate of 0 or more and a burst of 1 or more: " + perSecond + ", " + burst);
            }
            this.messagesPerSecond = perSecond;
            this.messageBurst = burst;
            return this;
        }

        /** Close connections silent for this long; {@link Duration#ZERO} for never. */
        public Builder idleTimeout(Duration timeout) {
            checkDuration("idle timeout", timeout, MAX_IDLE_TIMEOUT);
            this.idleTimeout = timeout;
            return this;
        }

        public Builder chatLimits(ChatLimits limits) {
            this.chatLimits = Objects.requireNonNull(limits, "limits");
            return this;
        }

        /** The clock of the rate limit, in nanoseconds (for tests). */
        public Builder nanoClock(LongSupplier clock) {
            this.nanoClock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /** How long {@link RelayServer#close()} waits for queued messages to reach clients. */
        public Builder drainTimeout(Duration timeout) {
            checkDuration("drain timeout", timeout, MAX_DRAIN_TIMEOUT);
            this.drainTimeout = timeout;
            return this;
        }

        public Builder slowConsumerPolicy(SlowConsumerPolicy policy) {
            this.slowConsumerPolicy = Objects.requireNonNull(policy, "policy");
            return this;
        }

        /**
         * Adds handlers of your own to every connection, e.g.
         * {@code pipeline -> pipeline.addBefore(RelayPipeline.CHAT, "bot", myBot)}.
         */
        public Builder pipelineCustomizer(Consumer<ChannelPipeline> customizer) {
            this.pipelineCustomizer = Objects.requireNonNull(customizer, "customizer");
            return this;
        }

        public RelayServerConfig build() {
            int max = maxFrameLength != 0 || framing == null ? maxFrameLength : framing.defaultMaxFrameLength();
            long hard = maxPendingBytesHard != 0 ? maxPendingBytesHard
                    : Math.max(DEFAULT_MAX_PENDING_BYTES_HARD, maxPendingBytes);
            return new RelayServerConfig(host, port, framing, max, ioThreads, defaultRoom, nativeTransport,
                    maxPendingBytes, hard, slowConsumerGrace, maxPendingTotal, slowConsumerPolicy,
                    drainTimeout, maxConnections, maxConnectionsPerAddress,
                    messagesPerSecond, messageBurst, idleTimeout, chatLimits, nanoClock, pipelineCustomizer, web);
        }

        static void checkPort(int port) {
            if (port < 0 || port > 65535) {
                throw new IllegalArgumentException("port must be between 0 and 65535: " + port);
            }
        }

        static void checkMaxFrameLength(int max) {
            if (max < 1 || max > Framing.MAX_FRAME_LENGTH_LIMIT) {
                throw new IllegalArgumentException(
                        "max frame length must be between 1 and " + Framing.MAX_FRAME_LENGTH_LIMIT + ": " + max);
            }
        }

        static void checkMaxPendingBytes(long bytes) {
            if (bytes < MIN_MAX_PENDING_BYTES) {
                throw new IllegalArgumentException("max pending bytes must be at least " + MIN_MAX_PENDING_BYTES + ": " + bytes);
            }
        }

        static void checkMaxPendingTotal(long bytes) {
            if (bytes < MIN_MAX_PENDING_TOTAL) {
                throw new IllegalArgumentException("max pending total must be at least " + MIN_MAX_PENDING_TOTAL
                        + " (1 MiB), or 0 for the default: " + bytes);
            }
        }

        /** One message for every duration option: its name, the range, and the value in milliseconds. */
        static void checkDuration(String what, Duration value, Duration max) {
            Objects.requireNonNull(value, what);
            if (value.isNegative() || value.compareTo(max) > 0) {
                throw new IllegalArgumentException(what + " must be between 0 and " + max.toMillis() + " ms: "
                        + (value.getSeconds() > Long.MAX_VALUE / 1000 ? value.getSeconds() + " s" : value.toMillis() + " ms"));
            }
        }

        static void checkIoThreads(int threads) {
            if (threads < 0) {
                throw new IllegalArgumentException("io threads must be 0 (automatic) or more: " + threads);
            }
        }

        static void checkRoom(String room) {
            String problem = room.equals(Names.normalizeRoom(room))
                    ? Names.roomProblem(room)
                    : "give it in lower case without '#' (the builder does this for you)";
            if (problem != null) {
                throw new IllegalArgumentException("bad default room '" + room + "': " + problem);
            }
        }
    }
}
