package dev.relay.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The load generator's command line: one run against one server, printed for people and as one
 * {@code RESULT key=value} line for scripts. Exit status 0 for a clean run, 1 if anything was lost,
 * reordered or went wrong, 2 for bad options.
 */
@Command(name = "relay-bench", mixinStandardHelpOptions = true, sortOptions = false, version = "relay-bench 0.1.0",
        description = {
                "Drives a relay (or nats-server, or redis-server) with P publishers and S subscribers and measures delivered "
                        + "messages/s, loss and latency percentiles.",
                "Start the relay with --rate 0 (no per-connection message limit) and, for many "
                        + "connections from one machine, a raised --max-connections-per-ip."})
public final class LoadGenerator implements Callable<Integer> {

    @Option(names = "--target", paramLabel = "relay|relay-length|nats|redis",
            description = "Server protocol: our relay with line or length framing, NATS, or Redis pub/sub (RESP SUBSCRIBE/PUBLISH) (default: ${DEFAULT-VALUE}).")
    String target = "relay";

    @Option(names = "--host", paramLabel = "ADDRESS", description = "Server address (default: ${DEFAULT-VALUE}).")
    String host = "127.0.0.1";

    @Option(names = {"-p", "--port"}, paramLabel = "PORT", description = "Server port (default: 7777 for the relay, 4222 for nats, 6379 for redis).")
    Integer port;

    @Option(names = {"-P", "--publishers"}, paramLabel = "N", description = "Publishing connections (default: ${DEFAULT-VALUE}).")
    int publishers = 1;

    @Option(names = {"-S", "--subscribers"}, paramLabel = "N", description = "Subscribing connections (default: ${DEFAULT-VALUE}).")
    int subscribers = 100;

    @Option(names = "--rooms", paramLabel = "N", description = "Rooms (NATS subjects); connection i uses room i mod N (default: ${DEFAULT-VALUE}).")
    int rooms = 1;

    @Option(names = {"-s", "--size"}, paramLabel = "BYTES",
            description = "Payload size, at least " + Payload.HEADER + " (default: ${DEFAULT-VALUE}).")
    int size = 100;

    @Option(names = "--rate", paramLabel = "PER_SECOND",
            description = "Messages per second per publisher, on a fixed schedule with latency from the intended "
                    + "send time; 0 for max rate (default: ${DEFAULT-VALUE}).")
    double rate = 0;

    @Option(names = "--window", paramLabel = "MESSAGES",
            description = "Max rate: messages a publisher may be ahead of the slowest reader of its room (or, with "
                    + "--window-mode total, of its readers on average); keep publishers per room × window × message size "
                    + "(× readers, in total mode) under the relay's hard limit per reader, 64 MiB (default: ${DEFAULT-VALUE}).")
    long window = 2000;

    @Option(names = "--window-mode", paramLabel = "slowest|total",
            description = "Max rate: hold the window against the slowest reader of the room (slowest), or against "
                    + "all its readers together (total): a publisher may then be window × readers deliveries ahead in "
                    + "sum, so one reader may briefly fall far behind, as real publishers allow (default: ${DEFAULT-VALUE}).")
    String windowMode = "slowest";

    @Option(names = {"-w", "--warmup"}, paramLabel = "SECONDS", description = "Unmeasured seconds first (default: ${DEFAULT-VALUE}).")
    double warmup = 3;

    @Option(names = {"-d", "--duration"}, paramLabel = "SECONDS", description = "Measured seconds; with no publishers, "
            + "how long to hold the connections open (default: ${DEFAULT-VALUE}).")
    double duration = 10;

    @Option(names = "--drain-timeout", paramLabel = "SECONDS",
            description = "After the publishers stop, how long to wait for the last messages (default: ${DEFAULT-VALUE}).")
    double drainTimeout = 10;

    @Option(names = "--threads", paramLabel = "N", description = "Generator event loop threads (default: ${DEFAULT-VALUE}).")
    int threads = 2;

    @Option(names = "--connect-concurrency", paramLabel = "N",
            description = "Connections being set up at once (default: ${DEFAULT-VALUE}).")
    int connectConcurrency = 200;

    @Option(names = "--ready-file", paramLabel = "PATH",
            description = "Once every connection is ready, write the connect time in ms to this file (for scripts).")
    Path readyFile;

    @Option(names = "--relay-arrival", paramLabel = "hello|guest",
            description = "How relay connections come in: with the arrival line /hello rooms=ROOM (hello), or as a "
                    + "guest in the lobby that then sends /join ROOM (guest); other targets have one way (default: ${DEFAULT-VALUE}).")
    String relayArrival = "hello";

    @Option(names = "--no-native", negatable = false, description = "Use NIO even where epoll is available.")
    boolean noNative;

    /**
     * The relay's default hard limit per reader (--max-pending-bytes-hard): what a window can run into. A reader
     * that keeps reading is cut below it only when it reads less than the 1 MiB soft limit in the 5 s grace, or
     * when the server-wide memory budget needs its bytes.
     */
    private static final long RELAY_DEFAULT_MAX_PENDING_HARD = 64L << 20;

    @Override
    public Integer call() throws Exception {
        BenchConfig config = config();
        long inFlight = config.inFlightBytesPerReader();
        if (config.target().startsWith("relay") && config.rate() == 0 && inFlight > RELAY_DEFAULT_MAX_PENDING_HARD) {
            System.err.printf(Locale.ROOT, "relay-bench: note: up to %,d bytes may be in flight to one reader, over the "
                    + "relay's default hard limit of %,d (--max-pending-bytes-hard); what the kernel buffers does not "
                    + "count, but a reader that falls that far behind is disconnected. Lower --window if it happens.%n",
                    inFlight, RELAY_DEFAULT_MAX_PENDING_HARD);
        }
        BenchResult result = new Bench(config, connectNanos -> {
            System.out.printf(Locale.ROOT, "ready: %d connections in %.0f ms%n",
                    config.publishers() + config.subscribers(), connectNanos / 1e6);
            if (readyFile != null) {
                try {
                    Files.writeString(readyFile, Long.toString(connectNanos / 1_000_000));
                } catch (IOException e) {
                    throw new UncheckedIOException("cannot write " + readyFile, e);
                }
            }
        }).run();
        System.out.print(result.describe());
        System.out.println(result.resultLine());
        return result.clean() ? 0 : 1;
    }

    BenchConfig config() {
        check(publishers >= 0 && publishers <= Payload.MAX_PUBLISHERS, "--publishers must be 0 to " + Payload.MAX_PUBLISHERS);
        check(subscribers >= 0, "--subscribers must not be negative");
        check(publishers + subscribers > 0, "nothing to do: --publishers and --subscribers are both 0");
        check(rooms >= 1, "--rooms must be at least 1");
        check(size >= Payload.HEADER, "--size must be at least " + Payload.HEADER + " bytes (the bench header)");
        check(size <= 1 << 20, "--size must be at most 1048576");
        check(rate >= 0, "--rate must not be negative");
        check(window >= 1, "--window must be at least 1");
        WindowMode mode = WindowMode.parse(windowMode);
        check(warmup >= 0 && duration > 0 && drainTimeout >= 0, "--warmup and --drain-timeout must not be negative, --duration must be positive");
        check(threads >= 1, "--threads must be at least 1");
        check(connectConcurrency >= 1, "--connect-concurrency must be at least 1");
        check(relayArrival.equals("hello") || relayArrival.equals("guest"),
                "--relay-arrival must be hello or guest, not '" + relayArrival + "'");
        BenchConfig config = new BenchConfig(host, port != null ? port : switch (target) {
                    case "nats" -> 4222;
                    case "redis" -> 6379;
                    default -> 7777;
                }, target,
                publishers, subscribers, rooms, size, rate, window, mode, seconds(warmup), seconds(duration),
                seconds(drainTimeout), threads, connectConcurrency, !noNative, relayArrival.equals("guest"));
        config.wire(); // checks the target
        return config;
    }

    private static Duration seconds(double value) {
        return Duration.ofNanos((long) (value * 1e9));
    }

    private static void check(boolean ok, String message) {
        if (!ok) {
            throw new IllegalArgumentException(message);
        }
    }

    public static void main(String[] args) {
        CommandLine commandLine = new CommandLine(new LoadGenerator());
        commandLine.setExecutionExceptionHandler((e, cmd, parsed) -> {
            if (e instanceof IllegalArgumentException) {
                cmd.getErr().println("relay-bench: " + e.getMessage());
                return 2;
            }
            throw e;
        });
        commandLine.setParameterExceptionHandler((e, args1) -> {
            e.getCommandLine().getErr().println("relay-bench: " + e.getMessage() + " (see --help)");
            return 2;
        });
        System.exit(commandLine.execute(args));
    }
}
