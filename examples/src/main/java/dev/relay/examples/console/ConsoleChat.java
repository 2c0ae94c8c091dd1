package dev.relay.examples.console;

import dev.relay.client.ReconnectPolicy;
import dev.relay.client.RelayClient;
import dev.relay.client.RelayClientConfig;
import dev.relay.core.chat.Names;
import dev.relay.core.codec.Framing;
import dev.relay.server.CommandLines;
import java.net.UnknownHostException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The console chat client ({@code examples/target/relay-console.jar}): reads lines from the keyboard
 * or a pipe and sends them (commands pass through), prints every message, yours too, with time, room
 * and nick, shows the connection's state, and reconnects by itself. On a terminal: colours, a prompt
 * with nick and current room, Tab completion, and the bell when someone names you (see {@link Screen}).
 * Ends on {@code /quit}, end of input (Ctrl-D) or Ctrl-C.
 */
@Command(name = "relay-console",
        mixinStandardHelpOptions = true,
        versionProvider = ConsoleChat.Version.class,
        sortOptions = false,
        usageHelpAutoWidth = true,
        description = "Chat through a relay server. Type a line to talk; /help lists the commands; /quit leaves.%n",
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:/quit, end of input (Ctrl-D), or Ctrl-C at the prompt",
                "1:could not connect, or the connection was lost for good", "2:bad option",
                "130:interrupted (SIGINT) when not on a terminal, after a clean /quit"})
public final class ConsoleChat implements Callable<Integer> {

    @Option(names = "--host", paramLabel = "HOST", description = "Server host (default: ${DEFAULT-VALUE}).")
    String host = "localhost";

    @Option(names = {"-p", "--port"}, paramLabel = "PORT", description = "Server port (default: ${DEFAULT-VALUE}).")
    int port = RelayClientConfig.DEFAULT_PORT;

    @Option(names = {"-n", "--nick"}, paramLabel = "NICK", description = "Nick to take (default: the guest nick the server gives).")
    String nick;

    @Option(names = {"-r", "--room"}, paramLabel = "ROOM", split = ",",
            description = "Room to arrive in; repeat it or separate rooms with commas for several, the first"
                    + " current (default: the server's, usually lobby).")
    List<String> rooms = new ArrayList<>();

    @Option(names = "--framing", paramLabel = "line|length", converter = CommandLines.FramingConverter.class,
            description = "Must match the server's --framing (default: ${DEFAULT-VALUE}).")
    Framing framing = Framing.LINE;

    @Option(names = "--no-reconnect", description = "Exit when the connection is lost instead of reconnecting.")
    boolean noReconnect;

    public static void main(String[] args) {
        // Netty's buffer events for Java Flight Recorder cost a cold JVM about 350 ms at the first
        // allocation, which is the first write: that made the arrival line miss the server's 250 ms
        // arrival window half of the time, and the console started as a guest in the default room.
        if (System.getProperty("io.netty.jfr.enabled") == null) {
            System.setProperty("io.netty.jfr.enabled", "false");
        }
        System.exit(run(args));
    }

    static int run(String... args) {
        return CommandLines.create("relay-console", new ConsoleChat()).execute(args);
    }

    @Override
    public Integer call() throws Exception {
        RelayClientConfig config = RelayClientConfig.builder()
                .host(host).port(port).framing(framing).nick(nick).rooms(rooms)
                .reconnect(noReconnect ? ReconnectPolicy.disabled() : ReconnectPolicy.defaults())
                .build();
        String server = host + ":" + port;
        EventFormatter formatter = new EventFormatter(Clock.systemDefaultZone(), server);
        // Lines typed, or Optional.empty() when the session is over (input ended or connection gone).
        BlockingQueue<Optional<String>> input = new LinkedBlockingQueue<>();
        String[] lostForGood = new String[1];
        Roster roster = new Roster();
        ChatView[] view = new ChatView[1];
        ConsoleCompleter completer = new ConsoleCompleter(roster, () -> view[0].nick());
        try (Screen screen = Screen.open(completer, System.getenv("NO_COLOR"))) {
            view[0] = new ChatView(screen, formatter, roster, reason -> {
                lostForGood[0] = reason;
                input.add(Optional.empty());
            });
            try (RelayClient client = new RelayClient(config, view[0])) {
                view[0].attach(client);
                connect(client, config, server);
                Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                    view[0].leaving();
                    client.close();
                }, "relay-console-shutdown"));
                Thread reader = new Thread(() -> {
                    for (String line; (line = screen.readLine()) != null; ) {
                        input.add(Optional.of(line));
                    }
                    input.add(Optional.empty());
                }, "relay-console-input");
                reader.setDaemon(true);
                reader.start();
                for (Optional<String> next; (next = input.take()).isPresent(); ) {
                    if (!handle(next.get(), client, view[0], config)) {
                        break;
                    }
                }
                view[0].leaving();
            }
        }
        if (lostForGood[0] != null) {
            System.err.println("relay-console: disconnected: " + lostForGood[0]);
            return 1;
        }
        return 0;
    }

    /** Connects, or fails with the one line to print: the client's reason, or "unknown host". */
    private static void connect(RelayClient client, RelayClientConfig config, String server) throws Exception {
        try {
            client.connect().get(config.connectTimeout().toSeconds() + 5, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            for (Throwable cause = e.getCause(); cause != null; cause = cause.getCause()) {
                if (cause instanceof UnknownHostException) {
                    throw new IllegalStateException("cannot connect to " + server + ": unknown host", e.getCause());
                }
            }
            throw new IllegalStateException(e.getCause().getMessage(), e.getCause());
        } catch (TimeoutException e) {
            throw new IllegalStateException("no answer from " + server, e);
        }
    }

    /**
     * Sends one typed line and shows your own lines once sent. Commands that change the nick or the
     * current room are waited for, so the next line is shown with the room and nick it really goes out
     * with.
     *
     * @return {@code false} for {@code /quit}
     */
    private static boolean handle(String line, RelayClient client, ChatView view, RelayClientConfig config) {
        if (line.isBlank()) {
            return true;
        }
        String word = line.split(" ", 2)[0].toLowerCase(Locale.ROOT);
        String rest = line.substring(word.length()).stripLeading();
        String room = client.room();
        switch (word) {
            case "/quit" -> {
                view.leaving();
                client.quit(rest.strip());
                return false;
            }
            case "/me" -> client.command(line).thenRun(() -> view.acted(room, rest)).exceptionally(failed(view));
            case "/msg" -> {
                String[] toAndText = rest.split(" ", 2);
                client.command(line).thenRun(() -> view.sentPrivately(toAndText[0], toAndText.length > 1 ? toAndText[1] : ""))
                        .exceptionally(failed(view));
            }
            case "/say" -> {
                String[] roomAndText = rest.split(" ", 2);
                client.command(line).thenRun(() -> view.said(Names.normalizeRoom(roomAndText[0]),
                        roomAndText.length > 1 ? roomAndText[1] : "")).exceptionally(failed(view));
            }
            case "/ping" -> {
                long sent = System.nanoTime();
                client.command(line).thenRun(() -> view.pong(System.nanoTime() - sent)).exceptionally(failed(view));
            }
            case "/join", "/part", "/switch", "/nick", "/hello" -> {
                try {
                    client.command(line).exceptionally(failed(view))
                            .get(config.requestTimeout().toMillis() + 1000, TimeUnit.MILLISECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return false;
                } catch (ExecutionException | TimeoutException e) {
                    // shown already: exceptionally() has the failure, and the client's request timeout is shorter
                }
            }
            default -> {
                if (line.startsWith("/") && !line.startsWith("//")) {
                    client.command(line).exceptionally(failed(view));
                } else {
                    String text = line.startsWith("//") ? line.substring(1) : line;
                    client.sendLine(line).thenRun(() -> view.said(room, text)).exceptionally(failed(view));
                }
            }
        }
        return true;
    }

    private static Function<Throwable, Void> failed(ChatView view) {
        return failure -> {
            view.failed(failure);
            return null;
        };
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String version = ConsoleChat.class.getPackage().getImplementationVersion();
            return new String[] {"relay-console " + (version == null ? "(development build)" : version)};
        }
    }
}
