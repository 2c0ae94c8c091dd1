package dev.relay.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.relay.testing.ProcessOutput;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

/**
 * {@code relay-server.jar} in its own JVM, as an operator runs it: its log is read on a thread of its own
 * (so that the server never blocks on a full pipe) and kept; {@link #close()} kills it if it still runs.
 */
final class JarServer implements AutoCloseable {

    private static final Pattern LISTENING = Pattern.compile("listening on 127\\.0\\.0\\.1:(\\d+) ");
    private static final Path JAR = Path.of("target", "relay-server.jar");

    private final Process process;
    private final ProcessOutput log;
    private final CompletableFuture<Integer> port;

    private JarServer(Map<String, String> env, List<String> jvmOptions, List<String> args) throws IOException {
        assertThat(JAR).as("built by the package phase").exists();
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(jvmOptions);
        command.addAll(List.of("-jar", JAR.toString(), "--host", "127.0.0.1", "--port", "0"));
        command.addAll(args);
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true); // RELAY_LOG_LEVEL passes through
        builder.environment().putAll(env);
        process = builder.start();
        log = ProcessOutput.read(process, LISTENING);
        port = log.firstMatch().thenApply(Integer::parseInt);
    }

    /** Starts the jar with {@code jvmOptions} and {@code args} (after {@code --host 127.0.0.1 --port 0}); returns once it listens. */
    static JarServer start(List<String> jvmOptions, String... args) throws Exception {
        return start(Map.of(), jvmOptions, args);
    }

    /** As {@link #start(List, String...)}, with {@code env} added to the server's environment. */
    static JarServer start(Map<String, String> env, List<String> jvmOptions, String... args) throws Exception {
        JarServer server = new JarServer(env, jvmOptions, List.of(args));
        try {
            server.port.get(30, TimeUnit.SECONDS);
            return server;
        } catch (Exception e) {
            server.close();
            throw new AssertionError("the jar did not start listening; its log: " + server.log(), e);
        }
    }

    int port() {
        return port.join();
    }

    Process process() {
        return process;
    }

    /** Every line the server logged so far. */
    List<String> log() {
        return log.lines();
    }

    /** Sends SIGTERM and waits for the exit; returns the exit code. */
    int terminate(long timeout, TimeUnit unit) throws InterruptedException {
        process.destroy();
        assertThat(process.waitFor(timeout, unit)).as("exited within %d %s; log: %s", timeout, unit, log()).isTrue();
        return process.exitValue();
    }

    /** Keeps the server's log in {@code target/} for a look after a failure. */
    void saveLog(String name) {
        try {
            java.nio.file.Files.write(Path.of("target", name + ".log"), log());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        process.destroyForcibly();
        try {
            process.waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
