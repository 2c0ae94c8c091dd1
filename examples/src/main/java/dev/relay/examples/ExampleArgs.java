package dev.relay.examples;

/**
 * The command line of an example's {@code main}: optional positional arguments, {@code --help}, and one
 * line on stderr instead of a stack trace. A bad argument ends the program with 2; an example that
 * cannot start (port in use, no server to connect to) with 1. It never exits the JVM itself: it throws
 * {@link Exit}, which only the example's {@code main} turns into {@link System#exit}.
 */
public final class ExampleArgs {

    /** The program should end with {@link #code()}; its one line has been printed. */
    public static final class Exit extends RuntimeException {
        private final int code;

        Exit(int code) {
            super("exit " + code, null, false, false);
            this.code = code;
        }

        public int code() {
            return code;
        }
    }

    /** An example's body: what its {@code main} runs. */
    @FunctionalInterface
    public interface Body {
        void run(String[] args) throws InterruptedException;
    }

    /**
     * Runs {@code body} and returns the code the program should end with: that of an {@link Exit} it
     * threw (its line has been printed), or 0 when it returned. A {@code main} calls
     * {@link System#exit} only for a code other than 0: after a normal return (the server was stopped by
     * Ctrl-C) the JVM may be shutting down already, and {@code System.exit} would then wait forever.
     */
    public static int run(String[] args, Body body) throws InterruptedException {
        try {
            body.run(args);
            return 0;
        } catch (Exit exit) {
            return exit.code();
        }
    }

    private final String name;
    private final String[] args;

    private ExampleArgs(String name, String[] args) {
        this.name = name;
        this.args = args;
    }

    /**
     * The arguments of program {@code name}, which takes at most {@code max} of them as {@code usage}
     * shows; prints the usage and ends (0) after {@code --help}, or says so with too many arguments (2).
     */
    public static ExampleArgs parse(String name, String usage, int max, String... args) {
        ExampleArgs parsed = new ExampleArgs(name, args);
        if (args.length == 1 && (args[0].equals("--help") || args[0].equals("-h"))) {
            System.out.println("usage: " + name + " " + usage);
            throw new Exit(0);
        }
        if (args.length > max) {
            throw parsed.exit(2, "too many arguments");
        }
        return parsed;
    }

    /** Argument {@code index}, or {@code otherwise} if there are fewer. */
    public String get(int index, String otherwise) {
        return index < args.length ? args[index] : otherwise;
    }

    /** Argument {@code index} as a port (0 to 65535), or {@code otherwise} if there are fewer arguments. */
    public int port(int index, int otherwise) {
        String text = get(index, String.valueOf(otherwise));
        try {
            int port = Integer.parseInt(text);
            if (port >= 0 && port <= 65535) {
                return port;
            }
        } catch (NumberFormatException e) {
            // said below
        }
        throw exit(2, "PORT must be a number from 0 to 65535, not '" + text + "'");
    }

    /** Says in one line why the program could not start; the {@link Exit} ends it with 1. */
    public Exit cannotStart(String why) {
        return exit(1, why);
    }

    private Exit exit(int code, String message) {
        System.err.println(name + ": " + message + (code == 2 ? " (see --help)" : ""));
        return new Exit(code);
    }
}
