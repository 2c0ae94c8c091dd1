package dev.relay.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.relay.core.codec.Framing;
import dev.relay.server.RelayServer;
import dev.relay.server.RelayServerConfig;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The regression guard CI runs: the packaged generator, as {@code relay-bench/compare.sh} runs it,
 * briefly against our relay (both framings, max and fixed rate, both window modes) and against a real
 * nats-server. It asserts that everything sent arrived, in order, and that problems are reported; never
 * a speed.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class LoadGeneratorIT {

    private static final Path JAR = Path.of("target", "relay-bench.jar");

    private record Run(int exit, String output, Map<String, String> result) {
        double number(String key) {
            return Double.parseDouble(result.get(key));
        }
    }

    private static Run generator(int port, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx256m", "-jar",
                JAR.toString(), "--host", "127.0.0.1", "--port", Integer.toString(port), "--drain-timeout", "20"));
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        process.getOutputStream().close();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        Map<String, String> result = new TreeMap<>();
        output.lines().filter(line -> line.startsWith("RESULT ")).findFirst().ifPresent(line -> {
            for (String pair : line.substring(7).split(" ")) {
                String[] kv = pair.split("=", 2);
                result.put(kv[0], kv[1]);
            }
        });
        return new Run(process.exitValue(), output, result);
    }

    private static RelayServer relay(Framing framing, int messagesPerSecond) {
        return new RelayServer(RelayServerConfig.builder().host("127.0.0.1").port(0).framing(framing)
                .messageRate(messagesPerSecond, 500).build()).start();
    }

    private static void assertClean(Run run, long expectedDeliveries) {
        assertThat(run.exit()).as(run.output()).isZero();
        assertThat(run.number("loss")).as(run.output()).isZero();
        assertThat(run.number("misordered")).isZero();
        assertThat(run.number("problems")).isZero();
        assertThat(run.number("delivered")).isEqualTo(run.number("expected")).isGreaterThanOrEqualTo(expectedDeliveries);
        assertThat(run.number("msgs_per_s")).isPositive();
        assertThat(run.number("p99_us")).isPositive();
    }

    @Test
    void maxRateAgainstTheRelayLosesNothingInEitherFraming() throws Exception {
        for (Framing framing : new Framing[] {Framing.LINE, Framing.LENGTH}) { // the stream framings
            try (RelayServer server = relay(framing, 0)) {
                Run run = generator(server.port(), "--target", framing == Framing.LINE ? "relay" : "relay-length",
                        "-P", "2", "-S", "10", "--rooms", "2", "-w", "0.5", "-d", "1.5", "--window", "500");
                // each publisher's room has 5 subscribers; at least one window each must have gone round
                assertClean(run, 2 * 5 * 500L);
                assertThat(run.output()).contains("ready: 12 connections");
                assertThat(run.result()).containsEntry("window_mode", "slowest");
            }
        }
    }

    @Test
    void maxRateWithTheWindowOverAllReadersLosesNothingInEitherFramingAndSaysSo() throws Exception {
        for (Framing framing : new Framing[] {Framing.LINE, Framing.LENGTH}) { // the stream framings
            try (RelayServer server = relay(framing, 0)) {
                Run run = generator(server.port(), "--target", framing == Framing.LINE ? "relay" : "relay-length",
                        "--window-mode", "total", "-P", "2", "-S", "10", "--rooms", "2", "-w", "0.3", "-d", "1",
                        "--window", "500");
                assertClean(run, 2 * 5 * 500L);
                assertThat(run.result()).containsEntry("window_mode", "total");
                assertThat(run.output()).contains("max rate, window 500, window mode total");
            }
        }
    }

    @Test
    void fixedRateSendsOnScheduleAndMeasuresFromTheIntendedSendTime() throws Exception {
        try (RelayServer server = relay(Framing.LINE, 0)) {
            Run run = generator(server.port(), "-P", "1", "-S", "20", "--rate", "400", "-w", "0.5", "-d", "1.5");
            assertClean(run, 20 * 400L);
            // 2 s at 400/s: the schedule, not the server, sets how many were sent
            assertThat(run.number("sent")).isBetween(700.0, 1200.0);
        }
    }

    @Test
    void aServerRefusingMessagesIsAProblemAndTheExitStatusSaysSo() throws Exception {
        try (RelayServer server = relay(Framing.LINE, 200)) { // the default rate limit: flat out is refused
            Run run = generator(server.port(), "-P", "1", "-S", "2", "-w", "0", "-d", "1");
            assertThat(run.exit()).isEqualTo(1);
            assertThat(run.output()).contains("problem: publisher 0 got: ERR rate-limited");
        }
    }

    @Test
    void nothingListeningAndBadOptionsGetOneClearLine() throws Exception {
        int free;
        try (ServerSocket socket = new ServerSocket(0)) {
            free = socket.getLocalPort();
        }
        Run refused = generator(free, "-P", "1", "-S", "1", "-d", "1");
        assertThat(refused.exit()).isEqualTo(1);
        assertThat(refused.output()).contains("problem: cannot connect");

        Run bad = generator(free, "--size", "8");
        assertThat(bad.exit()).isEqualTo(2);
        assertThat(bad.output().strip()).isEqualTo("relay-bench: --size must be at least 32 bytes (the bench header)");
        Run unknown = generator(free, "--target", "memcached");
        assertThat(unknown.exit()).isEqualTo(2);
        assertThat(unknown.output()).contains("unknown target 'memcached': use relay, relay-length, nats or redis");
        Run arrival = generator(free, "--relay-arrival", "late");
        assertThat(arrival.exit()).isEqualTo(2);
        assertThat(arrival.output().strip()).isEqualTo("relay-bench: --relay-arrival must be hello or guest, not 'late'");
    }

    @Test
    void guestsThatJoinAfterwardsAreConfirmedInTheirRoomsToo() throws Exception {
        try (RelayServer server = relay(Framing.LINE, 0)) {
            Run run = generator(server.port(), "--relay-arrival", "guest", "-P", "2", "-S", "10", "--rooms", "2",
                    "-w", "0.3", "-d", "1", "--window", "500");
            assertClean(run, 2 * 5 * 500L);
        }
    }

    /** A peer server binary from the PATH (or /usr/sbin, /usr/local/bin); required when PEERS_REQUIRED is set. */
    private static Path peer(String binary) {
        Optional<Path> found = Stream.of(System.getenv("PATH").split(":"), new String[] {"/usr/sbin", "/usr/bin", "/usr/local/bin"})
                .flatMap(Stream::of).map(dir -> Path.of(dir, binary)).filter(Files::isExecutable).findFirst();
        assumeTrue(found.isPresent() || System.getenv("RELAY_BENCH_REQUIRE_PEERS") != null,
                binary + " is not installed (.ci/run installs it)");
        assertThat(found).as(binary + " on the PATH").isPresent();
        return found.get();
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    @Test
    void redisServerIsDrivenByTheSameGeneratorOverRespPubSub() throws Exception {
        Path redis = peer("redis-server");
        int port = freePort();
        Process server = new ProcessBuilder(redis.toString(), "--bind", "127.0.0.1", "--port", Integer.toString(port),
                "--save", "", "--appendonly", "no", "--daemonize", "no")
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        try {
            awaitListening(port);
            Run run = generator(port, "--target", "redis", "-P", "2", "-S", "10", "--rooms", "2", "-w", "0.5",
                    "-d", "1.5", "--window", "500");
            assertClean(run, 2 * 5 * 500L);
            Run total = generator(port, "--target", "redis", "--window-mode", "total", "-P", "2", "-S", "10",
                    "-w", "0.3", "-d", "1", "--window", "500");
            assertClean(total, 2 * 10 * 500L);
            Run fixed = generator(port, "--target", "redis", "-P", "1", "-S", "20", "--rate", "400", "-w", "0.5",
                    "-d", "1");
            assertClean(fixed, 20 * 400L);
        } finally {
            server.destroy();
            server.waitFor(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void natsServerIsDrivenByTheSameGenerator() throws Exception {
        Path nats = peer("nats-server");
        int port = freePort();
        Process server = new ProcessBuilder(nats.toString(), "-a", "127.0.0.1", "-p", Integer.toString(port))
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        try {
            awaitListening(port);
            Run run = generator(port, "--target", "nats", "-P", "2", "-S", "10", "-w", "0.5", "-d", "1.5",
                    "--window", "500");
            assertClean(run, 2 * 10 * 500L);
            Run total = generator(port, "--target", "nats", "--window-mode", "total", "-P", "2", "-S", "10",
                    "-w", "0.3", "-d", "1", "--window", "500");
            assertClean(total, 2 * 10 * 500L);
            assertThat(total.result()).containsEntry("window_mode", "total");
        } finally {
            server.destroy();
            server.waitFor(10, TimeUnit.SECONDS);
        }
    }

    private static void awaitListening(int port) {
        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(20)).until(() -> {
            try {
                new Socket("127.0.0.1", port).close();
                return true;
            } catch (IOException notYet) {
                return false;
            }
        });
    }
}
