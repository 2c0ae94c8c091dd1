package dev.relay.examples.console;

import dev.relay.client.ReconnectPolicy;
import dev.relay.client.RelayClient;
import dev.relay.client.RelayClientConfig;
import dev.relay.client.RelayClientException;
import dev.relay.client.RelayEvent;
import dev.relay.core.codec.Framing;
import dev.relay.server.CommandLines;
import java.time.Clock;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The console chat client ({@code examples/target/relay-console.jar}): reads lines from the keyboard
 * or a pipe and sends them (commands pass through), prints what others say with time and nick, shows
 * the connection's state, and reconnects by itself. Ends on {@code /quit}, end of input (Ctrl-D) or
 * Ctrl-C.
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

    @Option(names = {"-r", "--room"}, paramLabel = "ROOM", description = "Room to join (default: the server's, usually lobby).")
    String room;

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
                .host(host).port(port).framing(framing).nick(nick).room(room)
                .reconnect(noReconnect ? ReconnectPolicy.disabled() : ReconnectPolicy.defaults())
                .build();
        EventFormatter formatter = new EventFormatter(Clock.systemDefaultZone(), host + ":" + port);
        // Lines typed, or Optional.empty() when the session is over (input ended or connection gone).
        BlockingQueue<Optional<String>> input = new LinkedBlockingQueue<>();
        String[] lostForGood = new String[1];
        AtomicBoolean leaving = new AtomicBoolean();
        try (Screen screen = Screen.open();
                RelayClient client = new RelayClient(config, event -> {
                    screen.print(formatter.format(event));
                    if (event instanceof RelayEvent.Disconnected gone && !gone.reconnecting() && !leaving.get()) {
                        lostForGood[0] = gone.reason();
                        input.add(Optional.empty());
                    }
                })) {
            try {
                client.connect().get(config.connectTimeout().toSeconds() + 5, TimeUnit.SECONDS);
            } catch (ExecutionException e) {
                throw new IllegalStateException(e.getCause().getMessage(), e.getCause());
            } catch (TimeoutException e) {
                throw new IllegalStateException("no answer from " + host + ":" + port, e);
            }
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                leaving.set(true);
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
                String line = next.get();
                if (line.isBlank()) {
                    continue;
                }
                String word = line.split(" ", 2)[0];
                if (word.equalsIgnoreCase("/quit")) {
                    leaving.set(true);
                    client.quit(line.substring(word.length()).strip());
                    break;
                }
                client.sendLine(line).exceptionally(failure -> {
                    if (leaving.get()) {
                        return null;
                    }
                    Throwable cause = failure instanceof CompletionException && failure.getCause() != null
                            ? failure.getCause() : failure;
                    // Refusals by the server are printed from their ERR event already.
                    if (!(cause instanceof RelayClientException refused && refused.errorCode() != null)) {
                        screen.print(formatter.format(new RelayEvent.ErrorReply(null, "client", cause.getMessage())));
                    }
                    return null;
                });
            }
            leaving.set(true);
        }
        if (lostForGood[0] != null) {
            System.err.println("relay-console: disconnected: " + lostForGood[0]);
            return 1;
        }
        return 0;
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String version = ConsoleChat.class.getPackage().getImplementationVersion();
            return new String[] {"relay-console " + (version == null ? "(development build)" : version)};
        }
    }
}
