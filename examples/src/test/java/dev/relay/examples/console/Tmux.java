package dev.relay.examples.console;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Assumptions;

/**
 * A private tmux server (its own socket in its own temporary directory, no user configuration) for driving the console jar on a real
 * terminal: start a pane, type into it, read its screen. Panes stay on screen after the console
 * exits, and say its exit status, so a test can read both. Closing kills the server and all it runs.
 */
final class Tmux implements AutoCloseable {

    static final Path JAR = Path.of("target", "relay-console.jar").toAbsolutePath();
    static final Duration WAIT = Duration.ofSeconds(20);
    /** What the pane shows when the console has exited, before its status and a "]". */
    private static final String EXIT = "[console exited with status ";

    /** Holds the server's socket and configuration; removed on close. */
    private final Path directory;
    private final Path socket;
    private final Path config;

    private Tmux(Path directory) {
        this.directory = directory;
        this.socket = directory.resolve("socket");
        this.config = directory.resolve("tmux.conf");
    }

    /**
     * A new tmux server. Without tmux the test fails, saying so, unless {@code RELAY_SKIP_TMUX=1}, which
     * skips it.
     */
    static Tmux start() throws IOException {
        boolean present;
        try {
            Process version = new ProcessBuilder("tmux", "-V").redirectErrorStream(true).start();
            present = version.waitFor(10, TimeUnit.SECONDS) && version.exitValue() == 0;
        } catch (IOException e) {
            present = false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
        if (!present) {
            Assumptions.assumeFalse("1".equals(System.getenv("RELAY_SKIP_TMUX")), "tmux is missing; RELAY_SKIP_TMUX=1");
            throw new AssertionError("These tests drive the console on a terminal and need tmux on the PATH"
                    + " (apt-get install tmux); set RELAY_SKIP_TMUX=1 to skip them");
        }
        Tmux tmux = new Tmux(Files.createTempDirectory("relay-tmux"));
        Files.writeString(tmux.config, "set -g history-limit 1000\n");
        return tmux;
    }

    /** Runs {@code tmux ARGS} against this server; its output. */
    String run(String... args) {
        List<String> command = new ArrayList<>(List.of("tmux", "-S", socket.toString(), "-f", config.toString()));
        command.addAll(Arrays.asList(args));
        try {
            ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
            builder.environment().remove("TMUX"); // also when the build itself runs inside tmux
            Process tmux = builder.start();
            byte[] output = tmux.getInputStream().readAllBytes();
            assertThat(tmux.waitFor(10, TimeUnit.SECONDS)).as("tmux %s finished", args[0]).isTrue();
            String text = new String(output, StandardCharsets.UTF_8);
            assertThat(tmux.exitValue()).as("tmux %s: %s", String.join(" ", args), text).isZero();
            return text;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /**
     * Starts {@code java -jar relay-console.jar ARGS} in a new 150×40 pane with TERM=xterm-256color;
     * {@code environment} is given to {@code env} before it ({@code NO_COLOR=1}, {@code -u NO_COLOR}).
     */
    Pane console(String name, List<String> environment, String... args) {
        // A shell waits for the console and prints its exit status, then stays: tmux 3.3 does not reliably
        // collect the status of a process that ends (pane_dead_status stays empty now and then).
        List<String> command = new ArrayList<>(List.of("new-session", "-d", "-s", name, "-x", "150", "-y", "40",
                "sh", "-c", "\"$@\"; echo \"" + EXIT + "$?]\"; exec sleep 600", "console", "env"));
        command.addAll(environment);
        command.add("TERM=xterm-256color");
        command.addAll(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx64m",
                "-jar", JAR.toString()));
        command.addAll(Arrays.asList(args));
        run(command.toArray(String[]::new));
        return new Pane(name);
    }

    @Override
    public void close() throws IOException {
        try {
            run("kill-server");
        } catch (AssertionError alreadyGone) {
            // no sessions left: the server has ended by itself
        } finally {
            Files.deleteIfExists(config);
            Files.deleteIfExists(socket);
            Files.deleteIfExists(directory);
        }
    }

    /** One console on its terminal. */
    final class Pane {
        final String name;

        Pane(String name) {
            this.name = name;
        }

        /** Types {@code text} literally, then Enter. */
        void type(String text) {
            keys(text);
            run("send-keys", "-t", name, "Enter");
        }

        /** Types {@code text} literally, without Enter. */
        void keys(String text) {
            run("send-keys", "-t", name, "-l", text);
        }

        /** Presses a key by its tmux name: {@code Tab}, {@code Enter}, {@code C-u}. */
        void press(String key) {
            run("send-keys", "-t", name, key);
        }

        /**
         * What is on the screen and scrolled off it, trailing spaces of each line and empty lines at the end
         * dropped. (A new session's first lines can scroll off at once, before it has its size.)
         */
        String screen() {
            return tidy(run("capture-pane", "-p", "-J", "-S", "-", "-t", name));
        }

        /** The screen with its colours and styles as escape codes. */
        String screenWithEscapes() {
            return tidy(run("capture-pane", "-p", "-J", "-e", "-S", "-", "-t", name));
        }

        /** The screen's lines. */
        List<String> lines() {
            return screen().lines().collect(Collectors.toList());
        }

        /** The line with the cursor: the prompt and what is typed so far. */
        String inputLine() {
            int y = Integer.parseInt(display("#{cursor_y}").strip());
            List<String> rows = run("capture-pane", "-p", "-t", name).lines().collect(Collectors.toList());
            return y < rows.size() ? rows.get(y).stripTrailing() : "";
        }

        /** A tmux format about this pane, e.g. {@code #{window_bell_flag}}. */
        String display(String format) {
            return run("display-message", "-p", "-t", name, format).strip();
        }

        /** Waits until the screen passes {@code check}; fails with the screen if it does not in time. */
        void await(Consumer<String> check) {
            Awaitility.await().atMost(WAIT).pollInterval(Duration.ofMillis(100))
                    .failFast("the console has ended", () -> screen().contains(EXIT))
                    .untilAsserted(() -> check.accept(screen()));
        }

        /** Waits until the screen shows {@code text}. */
        void awaitText(String text) {
            await(screen -> assertThat(screen).contains(text));
        }

        /** Waits for the console to end; its exit status. */
        int exitStatus() {
            Pattern exit = Pattern.compile(Pattern.quote(EXIT) + "(\\d+)]");
            Matcher status = Awaitility.await().atMost(WAIT).pollInterval(Duration.ofMillis(100))
                    .until(() -> exit.matcher(screen()), Matcher::find);
            return Integer.parseInt(status.group(1));
        }

        private String tidy(String screen) {
            return screen.lines().map(String::stripTrailing).collect(Collectors.joining("\n")).strip();
        }
    }
}
