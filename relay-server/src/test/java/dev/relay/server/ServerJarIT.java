package dev.relay.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.relay.core.chat.ServerLine.Kind;
import dev.relay.testing.TestClient;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The runnable jar as an operator starts it: {@code java -jar relay-server/target/relay-server.jar ...}. */
@Timeout(60)
class ServerJarIT {

    private static final Path JAR = Path.of("target", "relay-server.jar");
    private static final Pattern LISTENING = Pattern.compile("Relay listening on 127\\.0\\.0\\.1:(\\d+) ");

    private final List<Process> processes = new ArrayList<>();

    @AfterEach
    void stopAll() {
        processes.forEach(Process::destroyForcibly);
    }

    private Process launch(String... args) throws IOException {
        return launch(List.of(), args);
    }

    private Process launch(List<String> jvmOptions, String... args) throws IOException {
        assertThat(JAR).as("built by the package phase").exists();
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx64m"));
        command.addAll(jvmOptions);
        command.addAll(List.of("-jar", JAR.toString()));
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        processes.add(process);
        return process;
    }

    private static String output(Process process) throws Exception {
        assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
        return new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    }

    /** Reads the server's log until its "listening" line; returns the port. */
    private static int awaitListening(BufferedReader log) throws IOException {
        for (String line; (line = log.readLine()) != null; ) {
            Matcher m = LISTENING.matcher(line);
            if (m.find()) {
                return Integer.parseInt(m.group(1));
            }
        }
        throw new AssertionError("the server exited before it was listening");
    }

    @Test
    void theJarServesChatLogsOneLineAndStopsOnSigterm() throws Exception {
        Process server = launch("--host", "127.0.0.1", "--port", "0");
        BufferedReader log = new BufferedReader(new InputStreamReader(server.getInputStream(), StandardCharsets.UTF_8));
        int port = awaitListening(log);
        try (TestClient alice = TestClient.line(port); TestClient bob = TestClient.line(port)) {
            alice.readUntil(Kind.WELCOME);
            bob.readUntil(Kind.WELCOME);
            alice.sync();
            bob.send("hello through the jar");
            assertThat(alice.readUntil(Kind.MSG).text()).isEqualTo("hello through the jar");
            server.destroy(); // SIGTERM
            assertThat(alice.readUntilClosed()).last().isEqualTo("BYE Server shutting down");
        }
        assertThat(server.waitFor(20, TimeUnit.SECONDS)).isTrue();
        assertThat(server.exitValue()).isEqualTo(143);
    }

    @Test
    void thePresenceLimitOptionReachesTheServerAndItsClients() throws Exception {
        Process server = launch("--host", "127.0.0.1", "--port", "0", "--presence-limit", "2", "--arrival-window-ms", "0");
        BufferedReader log = new BufferedReader(new InputStreamReader(server.getInputStream(), StandardCharsets.UTF_8));
        int port = awaitListening(log);
        try (TestClient first = TestClient.line(port)) {
            first.readUntil(Kind.WELCOME);
            assertThat(first.read().text()).endsWith(" presence-limit=2");
            first.readUntil(Kind.JOIN); // its own
            try (TestClient second = TestClient.line(port)) { // one after the other: guests in that order
                assertThat(first.readLine()).startsWith("JOIN lobby ");
                try (TestClient third = TestClient.line(port)) {
                    String nick = third.readUntil(Kind.WELCOME).arg(0);
                    third.readUntil(Kind.SERVER);
                    assertThat(third.readLine()).isEqualTo("JOIN lobby " + nick);
                    assertThat(third.readLine()).startsWith("PRESENCE lobby off 3 #lobby has more than 2 members");
                    assertThat(first.readLine()).isEqualTo("JOIN lobby " + nick);
                    assertThat(first.readLine()).startsWith("PRESENCE lobby off 3 ");
                }
            }
        }
    }

    @Test
    void helpListsTheOptions() throws Exception {
        Process help = launch("--help");
        String text = output(help);
        assertThat(help.exitValue()).isZero();
        assertThat(text).contains("--port", "--host", "--framing=auto|line|length", "--max-frame-length", "--no-web",
                "--web-allowed-origins", "--web-ping-interval-ms");
    }

    @Test
    void aBadOptionIsOneLineAndExitCode2() throws Exception {
        for (String[] args : List.of(new String[] {"--port", "seventy"}, new String[] {"--framing", "xml"},
                new String[] {"--bogus"}, new String[] {"--port", "70000"})) {
            Process bad = launch(args);
            String text = output(bad);
            assertThat(bad.exitValue()).as(String.join(" ", args)).isEqualTo(2);
            assertThat(text.strip()).as(String.join(" ", args)).startsWith("relay-server: ").doesNotContain("\n", "\tat ");
        }
    }

    /** MainTest has every message; this is the jar's own main saying them, with the exit code. */
    @Test
    void aBadValueIsOneLineNamingItsOptionAndExitCode2() throws Exception {
        Process zero = launch("--max-frame-length", "0");
        assertThat(output(zero)).isEqualTo(
                "relay-server: --max-frame-length must be between 1 and 2147483639 bytes, not 0" + System.lineSeparator());
        assertThat(zero.exitValue()).isEqualTo(2);
        Process negative = launch("--idle-timeout-ms", "-1");
        assertThat(output(negative)).isEqualTo(
                "relay-server: --idle-timeout-ms must be between 0 (off) and 86400000 ms, not -1" + System.lineSeparator());
        assertThat(negative.exitValue()).isEqualTo(2);
    }

    @Test
    void anUnknownHostIsOneLineAndExitCode1(@TempDir Path dir) throws Exception {
        // The JVM resolves from this file alone, so the lookup stays on this machine and fails for sure.
        Path hosts = Files.writeString(dir.resolve("hosts"), "127.0.0.1 localhost\n");
        Process unknown = launch(List.of("-Djdk.net.hosts.file=" + hosts), "--host", "nosuch.invalid", "--port", "7777");
        assertThat(output(unknown)).isEqualTo(
                "relay-server: cannot listen on nosuch.invalid:7777: unknown host" + System.lineSeparator());
        assertThat(unknown.exitValue()).isEqualTo(1);
    }

    @Test
    void aPortInUseIsOneLineAndExitCode1() throws Exception {
        try (RelayServer taken = new RelayServer(
                RelayServerConfig.builder().host("127.0.0.1").port(0).build()).start()) {
            Process second = launch("--host", "127.0.0.1", "--port", String.valueOf(taken.port()));
            String text = output(second);
            assertThat(second.exitValue()).isEqualTo(1);
            assertThat(text.strip()).isEqualTo(
                    "relay-server: cannot listen on 127.0.0.1:" + taken.port() + ": Address already in use");
        }
    }

    static {
        // Fail early with a clear message when run from an IDE without `mvn package`.
        if (!Files.exists(JAR)) {
            System.err.println("ServerJarIT needs " + JAR.toAbsolutePath() + ": run mvn verify");
        }
    }
}
