package dev.relay.server;

import dev.relay.core.codec.Framing;
import java.io.PrintWriter;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine;

/**
 * What the relay's command-line programs share: one-line errors instead of stack traces and usage
 * dumps (exit 2 for a bad option, 1 for a failure), range checks that name the option, and the
 * {@code --framing} converter. Needs picocli on the class path, which the runnable jars have.
 */
public final class CommandLines {

    private CommandLines() {
    }

    /**
     * A picocli command line for {@code command} whose errors are one line on stderr, prefixed with
     * {@code name}: a bad option exits 2 (with "see --help"), an {@link IllegalArgumentException} from
     * the command exits 2, anything else exits 1.
     */
    public static CommandLine create(String name, Object command) {
        CommandLine cli = new CommandLine(command);
        cli.setParameterExceptionHandler((e, ignored) -> {
            PrintWriter err = e.getCommandLine().getErr();
            err.println(name + ": " + e.getMessage() + " (see --help)");
            err.flush();
            return 2;
        });
        cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            PrintWriter err = commandLine.getErr();
            err.println(name + ": " + (e.getMessage() == null ? e.toString() : e.getMessage()));
            err.flush();
            return e instanceof IllegalArgumentException ? 2 : 1;
        });
        return cli;
    }

    /**
     * Checks the number given to {@code option}: outside {@code min..max} it throws an
     * {@link IllegalArgumentException} (so exit 2) that says what the option accepts, e.g.
     * {@code --idle-timeout-ms must be between 0 (off) and 86400000 ms, not -1}.
     *
     * @param zero what 0 means, where {@code min} is 0 and 0 is special ({@code "off"}), else null
     * @param max  the largest value accepted; {@link Long#MAX_VALUE} for no bound of the option's own
     * @param unit {@code "ms"}, {@code "bytes"}, or {@code ""} for a count
     */
    public static void checkRange(String option, long value, long min, @Nullable String zero, long max, String unit) {
        if (value >= min && value <= max) {
            return;
        }
        String lowest = zero == null ? String.valueOf(min) : min + " (" + zero + ")";
        String units = unit.isEmpty() ? "" : " " + unit;
        String accepted;
        if (max != Long.MAX_VALUE) {
            accepted = "between " + lowest + " and " + max + units;
        } else if (zero != null) {
            accepted = lowest + " or more" + units;
        } else {
            accepted = "at least " + lowest + units;
        }
        throw new IllegalArgumentException(option + " must be " + accepted + ", not " + value);
    }

    /** Converts {@code line} or {@code length} (any case) for a {@code --framing} option. */
    public static final class FramingConverter implements CommandLine.ITypeConverter<Framing> {
        @Override
        public Framing convert(String value) {
            try {
                return Framing.parse(value);
            } catch (IllegalArgumentException e) {
                throw new CommandLine.TypeConversionException(e.getMessage());
            }
        }
    }
}
