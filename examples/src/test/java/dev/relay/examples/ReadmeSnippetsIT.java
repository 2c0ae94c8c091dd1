package dev.relay.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.relay.core.chat.ServerLine.Kind;
import dev.relay.examples.ReadmeSnippets.Snippet;
import dev.relay.testing.ProcessOutput;
import dev.relay.testing.TestClient;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.File;
import java.io.IOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's servers, compiled from the README and run in a JVM of their own as a reader would run
 * them: each serves on the port it prints, and SIGTERM (as Ctrl-C) stops it cleanly, the chat server
 * telling its clients {@code BYE Server shutting down} first.
 */
@Timeout(60)
class ReadmeSnippetsIT {

    private static final Pattern PORT = Pattern.compile("on port (\\d+)$");

    @Test
    void theEmbeddedServerServesChatAndSaysByeOnSigterm(@TempDir Path classes) throws Exception {
        try (SnippetProcess server = SnippetProcess.start("ChatServer", classes)) {
            try (TestClient alice = TestClient.line(server.port()); TestClient bob = TestClient.line(server.port())) {
                alice.readUntil(Kind.WELCOME);
                bob.readUntil(Kind.WELCOME);
                alice.sync();
                bob.send("hello from the README");
                assertThat(alice.readUntil(Kind.MSG).text()).isEqualTo("hello from the README");
                server.process.destroy(); // SIGTERM
                assertThat(alice.readUntilClosed()).as("what alice read last; output %s", server.output.lines())
                        .endsWith("BYE Server shutting down");
                assertThat(bob.readUntilClosed()).as("what bob read last").endsWith("BYE Server shutting down");
            }
            assertThat(server.exitCode()).isEqualTo(143); // 128 + SIGTERM: the hook finished, nothing threw
        }
    }

    @Test
    void theHandlerOfThePipelineCustomizerSeesEveryConnection(@TempDir Path classes) throws Exception {
        try (SnippetProcess server = SnippetProcess.start("LoggingChatServer", classes)) {
            try (TestClient alice = TestClient.line(server.port())) {
                alice.readUntil(Kind.WELCOME); // the chat handler still runs behind it
                await().atMost(Duration.ofSeconds(10))
                        .until(() -> server.output.lines().stream().anyMatch(line -> line.startsWith("connected: /127.0.0.1:")));
            }
            await().atMost(Duration.ofSeconds(10))
                    .until(() -> server.output.lines().stream().anyMatch(line -> line.startsWith("gone: /127.0.0.1:")));
            server.process.destroy();
            assertThat(server.exitCode()).isEqualTo(143);
        }
    }

    @Test
    void theRawRelayForwardsFramesAndStopsOnSigterm(@TempDir Path classes) throws Exception {
        try (SnippetProcess relay = SnippetProcess.start("RawRelayServer", classes);
                Socket a = new Socket("127.0.0.1", relay.port());
                Socket b = new Socket("127.0.0.1", relay.port())) {
            // A frame reaches only those in the room at the time: send until the other has joined.
            assertThat(relayed(a, b, "from a")).isEqualTo("from a");
            assertThat(relayed(b, a, "from b")).isEqualTo("from b");
            relay.process.destroy(); // SIGTERM
            assertThat(relay.exitCode()).isEqualTo(143);
            a.setSoTimeout(10_000); // a read that times out throws: the stream must end instead
            byte[] rest = a.getInputStream().readAllBytes();
            assertThat(rest.length % (4 + "from b".length())).as("only whole frames, then the end").isZero();
        }
    }

    /** Sends {@code text} from {@code from} as a length-prefixed frame until one reaches {@code to}; returns it. */
    private static String relayed(Socket from, Socket to, String text) throws IOException {
        byte[] payload = text.getBytes(StandardCharsets.UTF_8);
        DataOutputStream out = new DataOutputStream(from.getOutputStream());
        DataInputStream in = new DataInputStream(to.getInputStream());
        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(50)).until(() -> {
            out.writeInt(payload.length);
            out.write(payload);
            out.flush();
            return in.available() >= 4 + payload.length; // whole frames only: the read below never waits
        });
        byte[] frame = new byte[in.readInt()];
        in.readFully(frame);
        return new String(frame, StandardCharsets.UTF_8);
    }

    /** A README snippet compiled into {@code classes} and running as {@code java -cp ... ClassName}. */
    private static final class SnippetProcess implements AutoCloseable {
        final Process process;
        final ProcessOutput output;

        private SnippetProcess(Process process) {
            this.process = process;
            this.output = ProcessOutput.read(process, PORT);
        }

        static SnippetProcess start(String className, Path classes) throws IOException {
            Snippet snippet = ReadmeSnippets.javaBlocks(ReadmeSnippets.readme()).stream()
                    .filter(s -> s.className().equals(className))
                    .findFirst()
                    .orElseThrow(() -> new AssertionError("README.md has no java block with class " + className));
            ReadmeSnippets.compile(snippet, classes);
            String classPath = classes + File.pathSeparator + System.getProperty("java.class.path");
            // the examples' logback.xml, at INFO: the relay's few lines, without Netty's start-up detail
            ProcessBuilder command = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-Xmx64m", "-Dlogback.configurationFile=" + Path.of("src", "app", "logback.xml").toAbsolutePath(),
                    "-cp", classPath, className).redirectErrorStream(true);
            command.environment().put("RELAY_LOG_LEVEL", "INFO");
            return new SnippetProcess(command.start());
        }

        /** The port the snippet printed. */
        int port() throws Exception {
            return Integer.parseInt(output.firstMatch().get(20, TimeUnit.SECONDS));
        }

        int exitCode() throws InterruptedException {
            assertThat(process.waitFor(20, TimeUnit.SECONDS)).as("exited; output: %s", output.lines()).isTrue();
            return process.exitValue();
        }

        @Override
        public void close() throws InterruptedException {
            process.destroyForcibly();
            process.waitFor(10, TimeUnit.SECONDS);
        }
    }
}
