package dev.relay.server;

import dev.relay.core.SlowConsumerGuard;
import dev.relay.core.SlowConsumerPolicy;
import dev.relay.core.chat.ChatHandler;
import dev.relay.core.chat.ChatLimits;
import dev.relay.core.chat.Names;
import dev.relay.core.codec.Framing;
import java.util.concurrent.Callable;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The command line of {@code relay-server.jar}: turns options into a {@link RelayServerConfig}, starts
 * the server and runs until SIGTERM or Ctrl-C. Bad options and bind failures are one line on stderr and
 * a non-zero exit code.
 */
@Command(name = "relay-server",
        mixinStandardHelpOptions = true,
        versionProvider = Main.Version.class,
        sortOptions = false,
        usageHelpAutoWidth = true,
        description = "Runs a chat relay: every line a client sends goes to the others in its room.%n"
                + "Connect with `nc HOST PORT` and type /help, or open http://HOST:PORT/ in a browser.%n",
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:--help or --version",
                "1:could not start (port in use, unknown host, not an address of this machine)",
                "2:bad option or value",
                "130:stopped by Ctrl-C, after a clean shutdown", "143:stopped by SIGTERM, after a clean shutdown"})
public final class Main implements Callable<Integer> {

    /** The port the command line listens on when --port is not given. */
    public static final int DEFAULT_PORT = 7777;

    @Option(names = "--host", paramLabel = "ADDRESS",
            description = "Address to listen on (default: ${DEFAULT-VALUE}, all interfaces).")
    String host = RelayServerConfig.DEFAULT_HOST;

    @Option(names = {"-p", "--port"}, paramLabel = "PORT",
            description = "Port to listen on; 0 picks a free one (default: ${DEFAULT-VALUE}).")
    int port = DEFAULT_PORT;

    @Option(names = "--framing", paramLabel = "auto|line|length",
            description = "How clients frame messages: auto tells each client's kind from its first bytes, so "
                    + "that nc, length-framed clients and browsers share the port; line (text lines, as nc sends) "
                    + "or length (4-byte big-endian length prefix) pins one framing for all, with no web page "
                    + "(default: ${DEFAULT-VALUE}).")
    String framing = "auto";

    @Option(names = "--max-frame-length", paramLabel = "BYTES",
            description = "Largest message accepted, 1 to " + Framing.MAX_FRAME_LENGTH_LIMIT
                    + " bytes (default: 8192 for lines and WebSocket messages, 1048576 for length frames).")
    @Nullable Integer maxFrameLength; // null: the framing's default

    @Option(names = "--no-web",
            description = "Do not serve the chat page or WebSocket clients (HTTP is then not detected).")
    boolean noWeb;

    @Option(names = "--web-allowed-origins", paramLabel = "ORIGINS", split = ",",
            description = "Browser origins, besides the page's own, allowed to open a WebSocket: "
                    + "scheme://host[:port], comma-separated, or * for any (default: the same origin only).")
    java.util.List<String> webAllowedOrigins = new java.util.ArrayList<>();

    @Option(names = "--web-ping-interval-ms", paramLabel = "MILLIS",
            description = "How often to ping WebSocket clients; one that has not answered by the next ping is "
                    + "closed; 0: no pings (default: ${DEFAULT-VALUE}).")
    long webPingIntervalMillis = WebConfig.DEFAULT_PING_INTERVAL.toMillis();

    @Option(names = "--max-pending-bytes", paramLabel = "BYTES",
            description = "Soft limit: bytes queued for one client that it has not read; a client above it for "
                    + "longer than --slow-consumer-grace-ms is slow (default: ${DEFAULT-VALUE}).")
    long maxPendingBytes = RelayServerConfig.DEFAULT_MAX_PENDING_BYTES;

    @Option(names = "--max-pending-bytes-hard", paramLabel = "BYTES",
            description = "Hard limit: a client with more than this queued is slow at once "
                    + "(default: 67108864, or the soft limit if higher).")
    @Nullable Long maxPendingBytesHard; // null: the default

    @Option(names = "--slow-consumer-grace-ms", paramLabel = "MILLIS",
            description = "How long a client may stay above the soft limit; 0: slow at once "
                    + "(default: ${DEFAULT-VALUE}).")
    long slowConsumerGraceMillis = RelayServerConfig.DEFAULT_SLOW_CONSUMER_GRACE.toMillis();

    @Option(names = "--max-pending-total", paramLabel = "BYTES",
            description = "Memory budget for everything clients make the server hold (queued output, unfinished "
                    + "input); before it is reached, connections are closed: those not reading first, then "
                    + "those holding the most (default: half "
                    + "the JVM's max direct memory, which is -Xmx unless -XX:MaxDirectMemorySize says otherwise).")
    @Nullable Long maxPendingTotal; // null: derived from the JVM

    @Option(names = "--slow-consumer", paramLabel = "disconnect|drop",
            description = "What happens to a slow client: disconnect it (the room sees why) "
                    + "or drop its messages and tell it how many it missed (default: disconnect).")
    String slowConsumer = "disconnect";

    @Option(names = "--drain-timeout-ms", paramLabel = "MILLIS",
            description = "On shutdown, how long to wait for queued messages to reach clients; 0: do not wait "
                    + "(default: ${DEFAULT-VALUE}).")
    long drainTimeoutMillis = RelayServerConfig.DEFAULT_DRAIN_TIMEOUT.toMillis();

    @Option(names = "--close-timeout-ms", paramLabel = "MILLIS",
            description = "After BYE (/quit, idle), how long to wait for the client to read it before closing "
                    + "anyway; 0: do not wait (default: ${DEFAULT-VALUE}).")
    long closeTimeoutMillis = ChatLimits.DEFAULT_CLOSE_TIMEOUT.toMillis();

    @Option(names = "--max-connections", paramLabel = "N", description = "Open connections allowed in total (default: ${DEFAULT-VALUE}).")
    int maxConnections = RelayServerConfig.DEFAULT_MAX_CONNECTIONS;

    @Option(names = "--max-connections-per-ip", paramLabel = "N",
            description = "Open connections allowed from one IP address; 0 for no cap (default: ${DEFAULT-VALUE}).")
    int maxConnectionsPerIp = RelayServerConfig.DEFAULT_MAX_CONNECTIONS_PER_ADDRESS;

    @Option(names = "--rate", paramLabel = "PER_SECOND",
            description = "Lines one connection may send per second; 0 for no limit (default: ${DEFAULT-VALUE}).")
    int rate = RelayServerConfig.DEFAULT_MESSAGES_PER_SECOND;

    @Option(names = "--burst", paramLabel = "N", description = "Lines one connection may send at once (default: ${DEFAULT-VALUE}).")
    int burst = RelayServerConfig.DEFAULT_MESSAGE_BURST;

    @Option(names = "--idle-timeout-ms", paramLabel = "MILLIS",
            description = "Close connections that send nothing for this long; 0 for never (default: ${DEFAULT-VALUE}).")
    long idleTimeoutMillis;

    @Option(names = "--max-rooms", paramLabel = "N", description = "Rooms that may exist at once (default: ${DEFAULT-VALUE}).")
    int maxRooms = ChatLimits.DEFAULT_MAX_ROOMS;

    @Option(names = "--max-room-members", paramLabel = "N", description = "Members one room may have (default: ${DEFAULT-VALUE}).")
    int maxRoomMembers = ChatLimits.DEFAULT_MAX_MEMBERS_PER_ROOM;

    @Option(names = "--max-rooms-per-connection", paramLabel = "N",
            description = "Rooms one connection may be in at once (default: ${DEFAULT-VALUE}).")
    int maxRoomsPerConnection = ChatLimits.DEFAULT_MAX_ROOMS_PER_CONNECTION;

    @Option(names = "--presence-limit", paramLabel = "N",
            description = "Members a room may have before the arrivals, departures and renames of others in it are no "
                    + "longer announced (announced again at 3/4 of it); 0 for no limit (default: ${DEFAULT-VALUE}).")
    int presenceLimit = ChatLimits.DEFAULT_PRESENCE_LIMIT;

    @Option(names = "--presence-delay-ms", paramLabel = "MILLIS",
            description = "How long news of others' arrivals, departures and renames may wait to share a write with "
                    + "what a member gets next; 0 sends each at once (default: ${DEFAULT-VALUE}).")
    long presenceDelayMillis = ChatLimits.DEFAULT_PRESENCE_DELAY.toMillis();

    @Option(names = "--arrival-window-ms", paramLabel = "MILLIS",
            description = "How long a new connection has to send its /hello arrival line before it becomes a guest "
                    + "in the default room; 0 makes everyone a guest at once (default: ${DEFAULT-VALUE}).")
    long arrivalWindowMillis = ChatLimits.DEFAULT_ARRIVAL_WINDOW.toMillis();

    @Option(names = "--default-room", paramLabel = "ROOM",
            description = "Room a connection starts in when its /hello names none, or it sends none (default: ${DEFAULT-VALUE}).")
    String defaultRoom = ChatHandler.DEFAULT_ROOM;

    @Option(names = "--io-threads", paramLabel = "N",
            description = "Event loop threads; 0 means 2 per core (default: ${DEFAULT-VALUE}).")
    int ioThreads;

    @Option(names = "--no-native", negatable = false,
            description = "Use the NIO transport even where native epoll is available.")
    boolean noNative;

    public static void main(String[] args) {
        // Let Netty allocate direct memory itself (the jar's manifest opens java.nio for it): then a failed
        // allocation fails at once instead of sleeping in the JDK's Bits.reserveMemory on an event loop.
        if (System.getProperty("io.netty.tryReflectionSetAccessible") == null) {
            System.setProperty("io.netty.tryReflectionSetAccessible", "true");
        }
        System.exit(run(args));
    }

    /** Parses {@code args} and runs the server; returns the process exit code. Never calls System.exit. */
    static int run(String... args) {
        return CommandLines.create("relay-server", new Main()).execute(args);
    }

    @Override
    public Integer call() throws InterruptedException {
        checkOptions();
        Framing fixed = framing.strip().equalsIgnoreCase("auto") ? null : Framing.parse(framing);
        RelayServerConfig config = RelayServerConfig.builder()
                .host(host)
                .port(port)
                .framing(fixed)
                .maxFrameLength(maxFrameLength != null ? maxFrameLength : 0)
                .web(new WebConfig(!noWeb, webAllowedOrigins, millis(webPingIntervalMillis)))
                .defaultRoom(defaultRoom)
                .ioThreads(ioThreads)
                .nativeTransport(!noNative)
                .maxPendingBytes(maxPendingBytes)
                .slowConsumerGrace(millis(slowConsumerGraceMillis))
                .maxPendingTotal(maxPendingTotal != null ? maxPendingTotal : SlowConsumerGuard.defaultMaxPendingTotal())
                .drainTimeout(millis(drainTimeoutMillis))
                .maxConnections(maxConnections)
                .maxConnectionsPerAddress(maxConnectionsPerIp)
                .messageRate(rate, burst)
                .idleTimeout(millis(idleTimeoutMillis))
                .chatLimits(new ChatLimits(maxRooms, maxRoomMembers, millis(closeTimeoutMillis), maxRoomsPerConnection,
                        millis(arrivalWindowMillis), presenceLimit, millis(presenceDelayMillis)))
                .slowConsumerPolicy(slowConsumerPolicy(slowConsumer))
                .build();
        if (maxPendingBytesHard != null) {
            config = config.toBuilder().maxPendingBytesHard(maxPendingBytesHard).build();
        }
        RelayServer server = new RelayServer(config).start();
        Runtime.getRuntime().addShutdownHook(new Thread(server::close, "relay-shutdown"));
        server.awaitClose();
        return 0;
    }

    private static java.time.Duration millis(long millis) {
        return java.time.Duration.ofMillis(millis);
    }

    /**
     * Every value against what its option accepts, before the config's builder sees it: a bad one is one
     * line that names the option and its range, in the option's own unit (exit 2).
     */
    private void checkOptions() {
        if (host.isBlank()) {
            throw new IllegalArgumentException("--host must not be blank");
        }
        CommandLines.checkRange("--port", port, 0, "any free port", 65535, "");
        if (!framing.strip().equalsIgnoreCase("auto")) {
            try {
                Framing.parse(framing);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("--framing must be auto, line or length, not '" + framing + "'");
            }
        }
        for (String origin : webAllowedOrigins) {
            try {
                WebConfig.normalizeOrigin(origin);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("--web-allowed-origins: " + e.getMessage());
            }
        }
        CommandLines.checkRange("--web-ping-interval-ms", webPingIntervalMillis, 0, "no pings",
                WebConfig.MAX_PING_INTERVAL.toMillis(), "ms");
        if (maxFrameLength != null) {
            CommandLines.checkRange("--max-frame-length", maxFrameLength, 1, null, Framing.MAX_FRAME_LENGTH_LIMIT, "bytes");
        }
        CommandLines.checkRange("--max-pending-bytes", maxPendingBytes, RelayServerConfig.MIN_MAX_PENDING_BYTES, null,
                Long.MAX_VALUE, "bytes");
        if (maxPendingBytesHard != null) {
            CommandLines.checkRange("--max-pending-bytes-hard", maxPendingBytesHard,
                    RelayServerConfig.MIN_MAX_PENDING_BYTES, null, Long.MAX_VALUE, "bytes");
            if (maxPendingBytesHard < maxPendingBytes) {
                throw new IllegalArgumentException("--max-pending-bytes-hard must be at least --max-pending-bytes ("
                        + maxPendingBytes + " bytes), not " + maxPendingBytesHard);
            }
        }
        if (maxPendingTotal != null) {
            CommandLines.checkRange("--max-pending-total", maxPendingTotal, RelayServerConfig.MIN_MAX_PENDING_TOTAL, null,
                    Long.MAX_VALUE, "bytes");
        }
        CommandLines.checkRange("--slow-consumer-grace-ms", slowConsumerGraceMillis, 0, "slow at once",
                RelayServerConfig.MAX_SLOW_CONSUMER_GRACE.toMillis(), "ms");
        CommandLines.checkRange("--drain-timeout-ms", drainTimeoutMillis, 0, "do not wait",
                RelayServerConfig.MAX_DRAIN_TIMEOUT.toMillis(), "ms");
        CommandLines.checkRange("--close-timeout-ms", closeTimeoutMillis, 0, "do not wait",
                ChatLimits.MAX_CLOSE_TIMEOUT.toMillis(), "ms");
        CommandLines.checkRange("--max-connections", maxConnections, 1, null, Long.MAX_VALUE, "");
        CommandLines.checkRange("--max-connections-per-ip", maxConnectionsPerIp, 0, "no cap", Long.MAX_VALUE, "");
        CommandLines.checkRange("--rate", rate, 0, "no limit", Long.MAX_VALUE, "");
        CommandLines.checkRange("--burst", burst, 1, null, Long.MAX_VALUE, "");
        CommandLines.checkRange("--idle-timeout-ms", idleTimeoutMillis, 0, "off",
                RelayServerConfig.MAX_IDLE_TIMEOUT.toMillis(), "ms");
        CommandLines.checkRange("--max-rooms", maxRooms, 1, null, Long.MAX_VALUE, "");
        CommandLines.checkRange("--max-room-members", maxRoomMembers, 1, null, Long.MAX_VALUE, "");
        CommandLines.checkRange("--max-rooms-per-connection", maxRoomsPerConnection, 1, null, Long.MAX_VALUE, "");
        CommandLines.checkRange("--presence-limit", presenceLimit, 0, "no limit", Long.MAX_VALUE, "");
        CommandLines.checkRange("--presence-delay-ms", presenceDelayMillis, 0, "at once",
                ChatLimits.MAX_PRESENCE_DELAY.toMillis(), "ms");
        CommandLines.checkRange("--arrival-window-ms", arrivalWindowMillis, 0, "guests at once",
                ChatLimits.MAX_ARRIVAL_WINDOW.toMillis(), "ms");
        String roomProblem = Names.roomProblem(Names.normalizeRoom(defaultRoom));
        if (roomProblem != null) {
            throw new IllegalArgumentException("--default-room must be a room name, not '" + defaultRoom + "': "
                    + roomProblem);
        }
        CommandLines.checkRange("--io-threads", ioThreads, 0, "2 per core", Long.MAX_VALUE, "");
    }

    private static SlowConsumerPolicy slowConsumerPolicy(String name) {
        for (SlowConsumerPolicy policy : SlowConsumerPolicy.values()) {
            if (policy.name().equalsIgnoreCase(name)) {
                return policy;
            }
        }
        throw new IllegalArgumentException("--slow-consumer must be disconnect or drop, not '" + name + "'");
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String version = Main.class.getPackage().getImplementationVersion();
            return new String[] {"relay-server " + (version == null ? "(development build)" : version)};
        }
    }
}
