package dev.relay.examples.console;

import java.io.BufferedReader;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.jline.reader.EndOfFileException;
import org.jline.reader.LineReader;
import org.jline.reader.LineReaderBuilder;
import org.jline.reader.UserInterruptException;
import org.jline.terminal.Terminal;
import org.jline.terminal.TerminalBuilder;
import org.jspecify.annotations.Nullable;

/**
 * Where the console reads what the person types and prints what happens. On a terminal it is JLine:
 * incoming lines are printed above the prompt, so they never garble the line being typed. Without a
 * terminal (piped stdin, a script) it is plain UTF-8 lines on stdin and stdout.
 * {@link #print} is thread-safe; {@link #readLine} is called by one thread.
 */
interface Screen extends AutoCloseable {

    void print(String line);

    /** The next line typed, or {@code null} at end of input (EOF, Ctrl-D, Ctrl-C). */
    @Nullable String readLine();

    @Override
    void close();

    static Screen open() throws IOException {
        return System.console() != null ? new Interactive() : new Plain();
    }

    /** JLine on a real terminal. */
    final class Interactive implements Screen {
        private final Terminal terminal;
        private final LineReader reader;

        Interactive() throws IOException {
            terminal = TerminalBuilder.builder().system(true).build();
            reader = LineReaderBuilder.builder().terminal(terminal).build();
        }

        @Override
        public void print(String line) {
            reader.printAbove(line);
        }

        @Override
        public @Nullable String readLine() {
            try {
                return reader.readLine("> ");
            } catch (UserInterruptException | EndOfFileException e) {
                return null;
            }
        }

        @Override
        public void close() {
            try {
                terminal.close();
            } catch (IOException ignored) {
                // leaving anyway
            }
        }
    }

    /** Lines on stdin and stdout, for pipes and scripts. */
    final class Plain implements Screen {
        private final BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        private final PrintStream out = new PrintStream(new FileOutputStream(FileDescriptor.out), true, StandardCharsets.UTF_8);

        @Override
        public synchronized void print(String line) {
            out.println(line);
        }

        @Override
        public @Nullable String readLine() {
            try {
                return in.readLine();
            } catch (IOException e) {
                return null;
            }
        }

        @Override
        public void close() {
            out.flush();
        }
    }
}
