package dev.relay.examples.console;

import static org.assertj.core.api.Assertions.assertThat;

import dev.relay.core.chat.ServerLine.Kind;
import dev.relay.server.RelayServer;
import dev.relay.server.RelayServerConfig;
import dev.relay.testing.TestClient;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The console jar as a person (or a script) uses it: lines in on stdin, chat out on stdout. */
@Timeout(60)
class ConsoleIT {

    private static final Path JAR = Path.of("target", "relay-console.jar");

    private final List<AutoCloseable> open = new ArrayList<>();
    private final List<Process> processes = new ArrayList<>();

    @AfterEach
    void cleanUp() throws Exception {
        processes.forEach(Process::destroyForcibly);
        for (int i = open.size() - 1; i >= 0; i--) {
            open.get(i).close();
        }
    }

    /** {@code java -Xmx64m -jar target/relay-console.jar ARGS}, as a person would type it. */
    private static List<String> command(String... args) {
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx64m", "-jar", JAR.toString()));
        command.addAll(List.of(args));
        return command;
    }

    private RelayServer server(int port) {
        RelayServer server = new RelayServer(RelayServerConfig.builder().host("127.0.0.1").port(port).build()).start();
        open.add(server);
        return server;
    }

    /** A running console: what it prints, line by line, and its stdin. */
    private final class Console {
        final Process process;
        final OutputStream stdin;
        final BlockingQueue<String> stdout = new LinkedBlockingQueue<>();
        final List<String> seen = new ArrayList<>();

        Console(String... args) throws IOException {
            process = new ProcessBuilder(command(args)).redirectError(ProcessBuilder.Redirect.INHERIT).start();
            processes.add(process);
            stdin = process.getOutputStream();
            Thread pump = new Thread(() -> {
                try (BufferedReader out = new BufferedReader(
                        new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                    for (String line; (line = out.readLine()) != null; ) {
                        stdout.add(line);
                    }
                } catch (IOException ignored) {
                    // process gone
                }
            });
            pump.setDaemon(true);
            pump.start();
        }

        void type(String line) throws IOException {
            stdin.write((line + "\n").getBytes(StandardCharsets.UTF_8));
            stdin.flush();
        }

        String await(Predicate<String> wanted) throws InterruptedException {
            while (true) {
                String line = stdout.poll(15, TimeUnit.SECONDS);
                assertThat(line).as("console output; so far %s", seen).isNotNull();
                seen.add(line);
                if (wanted.test(line)) {
                    return line;
                }
            }
        }

        int exitCode() throws InterruptedException {
            assertThat(process.waitFor(20, TimeUnit.SECONDS)).as("console exited").isTrue();
            return process.exitValue();
        }
    }

    @Test
    void chatsWithAnotherClientAndQuits() throws Exception {
        RelayServer server = server(0);
        TestClient bob = TestClient.line(server.port());
        open.add(bob);
        bob.readUntil(Kind.WELCOME);
        bob.send("/nick bob");
        bob.send("/join dev");
        bob.send("/part lobby");
        bob.readUntil(line -> line.kind() == Kind.LEAVE && line.arg(0).equals("lobby"));

        Console alice = new Console("--host", "127.0.0.1", "--port", String.valueOf(server.port()),
                "--nick", "alice", "--room", "dev");
        assertThat(alice.await(line -> line.contains("-- connected")))
                .matches("\\d\\d:\\d\\d:\\d\\d -- connected to 127\\.0\\.0\\.1:\\d+ as alice in #dev .*");
        bob.readUntil(line -> line.kind() == Kind.JOIN && line.arg(1).equals("alice"));

        bob.send("hello alice ✓");
        assertThat(alice.await(line -> line.contains("<bob>"))).endsWith("[#dev] <bob> hello alice ✓");
        alice.type("hi bob, this is the console");
        assertThat(bob.readUntil(Kind.MSG)).hasToString("MSG dev alice hi bob, this is the console");
        assertThat(alice.await(line -> line.contains("<alice>")))
                .matches("\\d\\d:\\d\\d:\\d\\d \\[#dev\\] <alice> hi bob, this is the console");
        alice.type("/me waves");
        assertThat(bob.readUntil(Kind.ACTION)).hasToString("ACTION dev alice waves");
        assertThat(alice.await(line -> line.contains("* alice"))).endsWith("[#dev] * alice waves");
        alice.type("/msg bob psst");
        assertThat(bob.readUntil(Kind.PRIV)).hasToString("PRIV alice psst");
        assertThat(alice.await(line -> line.contains("->"))).matches("\\d\\d:\\d\\d:\\d\\d -> \\*bob\\* psst");

        alice.type("/nick bob");
        alice.type("/msg nobody hi");
        alice.type("/ping");
        assertThat(alice.await(line -> line.contains("-- pong")))
                .matches("\\d\\d:\\d\\d:\\d\\d -- pong from 127\\.0\\.0\\.1:" + server.port() + " in \\d+\\.\\d ms");
        assertThat(alice.seen).as("each error once, before the pong").filteredOn(line -> line.contains("! "))
                .satisfiesExactly(taken -> assertThat(taken).endsWith("! The nick bob is taken"),
                        nobody -> assertThat(nobody).endsWith("! No one here is called nobody"));
        alice.type("/who");
        assertThat(alice.await(line -> line.contains("-- in #dev"))).endsWith("-- in #dev: alice, bob");
        alice.type("/rooms");
        assertThat(alice.await(line -> line.contains("-- rooms"))).endsWith("-- rooms: #dev (2)");
        assertThat(alice.seen).as("no escape codes without a terminal").noneMatch(line -> line.contains("\u001b"));

        alice.type("/QUIT see you");
        assertThat(alice.exitCode()).isZero();
        assertThat(bob.readUntil(Kind.QUIT)).hasToString("QUIT dev alice see you");
    }

    @Test
    void pipedInputIsSentThenTheConsoleExitsAtEndOfInput() throws Exception {
        RelayServer server = server(0);
        TestClient bob = TestClient.line(server.port());
        open.add(bob);
        bob.readUntil(Kind.WELCOME);
        Console script = new Console("--host", "127.0.0.1", "--port", String.valueOf(server.port()), "--nick", "script",
                "--room", "lobby,dev", "--room", "qa");
        script.type("first");
        script.type("second");
        script.stdin.close(); // EOF, as at the end of a pipe
        assertThat(script.await(line -> line.contains("-- connected"))).as("several rooms, the first current")
                .endsWith(" as script in #lobby, #dev, #qa; talking in #lobby (type /help for commands, /quit to leave)");
        assertThat(script.exitCode()).isZero();
        assertThat(bob.readUntil(Kind.MSG)).hasToString("MSG lobby script first");
        assertThat(bob.readUntil(Kind.MSG)).hasToString("MSG lobby script second");
    }

    @Test
    void reconnectsWhenTheServerRestartsAndSaysSo() throws Exception {
        RelayServer first = server(0);
        int port = first.port();
        Console alice = new Console("--host", "127.0.0.1", "--port", String.valueOf(port), "--nick", "alice",
                "--room", "dev");
        alice.await(line -> line.contains("-- connected"));
        first.close();
        assertThat(alice.await(line -> line.contains("-- disconnected"))).endsWith("; reconnecting...");
        server(port);
        assertThat(alice.await(line -> line.contains("-- reconnected"))).endsWith("-- reconnected as alice in #dev");
        alice.stdin.close();
        assertThat(alice.exitCode()).isZero();
    }

    @Test
    void aRefusedConnectionOrABadOptionIsOneLineAndNonZero() throws Exception {
        int port;
        try (ServerSocket probe = new ServerSocket(0)) {
            port = probe.getLocalPort();
        }
        for (String[] args : List.of(
                new String[] {"--host", "127.0.0.1", "--port", String.valueOf(port)},
                new String[] {"--host", "nosuch.invalid"},
                new String[] {"--port", "many"},
                new String[] {"--nick", "9lives"})) {
            Process run = new ProcessBuilder(command(args)).redirectErrorStream(true).start();
            processes.add(run);
            run.getOutputStream().close();
            assertThat(run.waitFor(30, TimeUnit.SECONDS)).isTrue();
            String output = new String(run.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            assertThat(output).as(String.join(" ", args)).startsWith("relay-console: ").doesNotContain("\n", "\tat ");
            assertThat(run.exitValue()).as(String.join(" ", args)).isEqualTo(args[0].equals("--host") ? 1 : 2);
            if (args[1].equals("nosuch.invalid")) {
                assertThat(output).isEqualTo("relay-console: cannot connect to nosuch.invalid:7777: unknown host");
            }
        }
    }
}
