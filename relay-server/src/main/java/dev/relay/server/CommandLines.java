package dev.relay.server;

import dev.relay.core.codec.Framing;
import java.io.PrintWriter;
import picocli.CommandLine;

/**
 * What the relay's command-line programs share: one-line errors instead of stack traces and usage
 * dumps (exit 2 for a bad option, 1 for a failure), and the {@code --framing} converter. Needs picocli
 * on the class path, which the runnable jars have.
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
