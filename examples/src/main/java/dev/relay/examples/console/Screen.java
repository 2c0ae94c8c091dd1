package dev.relay.examples.console;

import java.io.BufferedReader;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.jline.reader.Completer;
import org.jline.reader.EndOfFileException;
import org.jline.reader.LineReader;
import org.jline.reader.LineReaderBuilder;
import org.jline.reader.UserInterruptException;
import org.jline.reader.impl.DefaultParser;
import org.jline.reader.impl.LineReaderImpl;
import org.jline.terminal.Terminal;
import org.jline.terminal.TerminalBuilder;
import org.jline.utils.AttributedString;
import org.jline.utils.InfoCmp.Capability;
import org.jspecify.annotations.Nullable;

/**
 * Where the console reads what the person types and prints what happens. On a terminal it is JLine:
 * incoming lines are printed above the prompt, so they never garble the line being typed; the prompt
 * shows nick and current room; Tab completes; lines are in colour unless {@code NO_COLOR} is set; a
 * mention rings the bell. Without a terminal (piped stdin, a script) it is plain UTF-8 lines on stdin
 * and stdout, without colours, bell or prompt: not one escape code.
 * {@link #print}, {@link #bell} and {@link #prompt} are thread-safe; {@link #readLine} is called by one thread.
 */
interface Screen extends AutoCloseable {

    void print(AttributedString line);

    /** Rings the terminal's bell, if there is a terminal. */
    void bell();

    /** The prompt from now on, also for the line being typed. */
    void prompt(String prompt);

    /** The next line typed, or {@code null} at end of input (EOF, Ctrl-D, Ctrl-C). */
    @Nullable String readLine();

    @Override
    void close();

    /**
     * JLine when there is a terminal, else plain lines.
     *
     * @param noColor {@code NO_COLOR} as the environment has it (no-color.org: set and not empty means
     *                no colours)
     */
    static Screen open(Completer completer, @Nullable String noColor) throws IOException {
        return System.console() != null
                ? new Interactive(completer, noColor == null || noColor.isEmpty())
                : new Plain();
    }

    /** JLine on a real terminal. */
    final class Interactive implements Screen {
        private final Terminal terminal;
        private final LineReaderImpl reader;
        private final boolean colour;
        private volatile String prompt = "> ";

        Interactive(Completer completer, boolean colour) throws IOException {
            terminal = TerminalBuilder.builder().system(true).build();
            this.colour = colour && !terminal.getType().startsWith(Terminal.TYPE_DUMB);
            // Chat text is not a shell line: quotes and backslashes are text, and "!" is not history.
            DefaultParser parser = new DefaultParser().quoteChars(new char[0]).escapeChars(new char[0]);
            reader = (LineReaderImpl) LineReaderBuilder.builder().terminal(terminal).completer(completer)
                    .parser(parser)
                    .option(LineReader.Option.DISABLE_EVENT_EXPANSION, true)
                    .option(LineReader.Option.CASE_INSENSITIVE, true)
                    .option(LineReader.Option.INSERT_TAB, false)
                    // the line sent comes back as your own line, with time and room: not twice
                    .option(LineReader.Option.ERASE_LINE_ON_FINISH, true)
                    .build();
        }

        @Override
        public void print(AttributedString line) {
            if (colour) {
                reader.printAbove(line);
            } else {
                reader.printAbove(line.toString());
            }
        }

        @Override
        public void bell() {
            synchronized (terminal) {
                terminal.puts(Capability.bell);
                terminal.flush();
            }
        }

        @Override
        public void prompt(String prompt) {
            this.prompt = prompt;
            reader.setPrompt(prompt);
            if (reader.isReading()) {
                try {
                    reader.callWidget(LineReader.REDISPLAY);
                } catch (IllegalStateException notReadingAnyMore) {
                    // the next readLine shows it
                }
            }
        }

        @Override
        public @Nullable String readLine() {
            try {
                return reader.readLine(prompt);
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
        public synchronized void print(AttributedString line) {
            out.println(line.toString());
        }

        @Override
        public void bell() {
            // no terminal: a BEL in a file or pipe is only noise
        }

        @Override
        public void prompt(String prompt) {
            // no prompt between lines of a script
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
