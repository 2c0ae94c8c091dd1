package dev.relay.testing;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What a child process prints (start it with {@code redirectErrorStream(true)} to have both streams),
 * read line by line on a daemon thread of its own, so that the child never blocks on a full pipe, and
 * kept for a test's assertions and failure messages. Watches for one line of interest, such as the one
 * that says which port a server listens on.
 */
public final class ProcessOutput {

    private final List<String> lines = new CopyOnWriteArrayList<>();
    private final CompletableFuture<String> firstMatch = new CompletableFuture<>();
    private final Pattern wanted;

    private ProcessOutput(Process process, Pattern wanted) {
        this.wanted = wanted;
        Thread reader = new Thread(() -> read(process), "process-output");
        reader.setDaemon(true);
        reader.start();
    }

    /** Starts reading {@code process}'s output, watching for a line in which {@code wanted} finds a match. */
    public static ProcessOutput read(Process process, Pattern wanted) {
        return new ProcessOutput(process, wanted);
    }

    /** Every line so far. */
    public List<String> lines() {
        return List.copyOf(lines);
    }

    /** Group 1 of the first match of the pattern; fails if the output ends without one. */
    public CompletableFuture<String> firstMatch() {
        return firstMatch;
    }

    private void read(Process process) {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line; (line = in.readLine()) != null; ) {
                lines.add(line);
                Matcher m = wanted.matcher(line);
                if (m.find()) {
                    firstMatch.complete(m.group(1));
                }
            }
        } catch (IOException e) {
            // the stream was closed under us, with the process: its output ends here
        } finally {
            firstMatch.completeExceptionally(new IllegalStateException("the output ended without a line matching "
                    + wanted + "; it was: " + lines));
        }
    }
}
