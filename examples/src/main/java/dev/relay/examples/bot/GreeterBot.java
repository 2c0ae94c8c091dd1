package dev.relay.examples.bot;

import dev.relay.client.RelayClient;
import dev.relay.client.RelayClientConfig;
import dev.relay.client.RelayEvent;
import dev.relay.examples.ExampleArgs;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A bot on {@link RelayClient}: it sits in a room and greets everyone who joins it. It reconnects by
 * itself if the server goes away. Usage: {@code GreeterBot [HOST [PORT [ROOM]]]} (default localhost 7777 lobby).
 */
public final class GreeterBot implements AutoCloseable {

    private final RelayClient client;

    public GreeterBot(String host, int port, String room) {
        RelayClientConfig config = RelayClientConfig.builder()
                .host(host).port(port).nick("greeter").room(room)
                .build();
        client = new RelayClient(config, this::onEvent);
    }

    /** Runs on the client's event loop: send() only queues the line, it does not block. */
    private void onEvent(RelayEvent event) {
        if (event instanceof RelayEvent.Joined joined && !joined.nick().equals(client.nick())) {
            client.send("Welcome to #" + joined.room() + ", " + joined.nick() + "!");
        }
    }

    /** Connects; returns when the bot is in its room. */
    public GreeterBot start() throws InterruptedException, ExecutionException, TimeoutException {
        try {
            client.connect().get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            client.close();
            throw e;
        }
        return this;
    }

    @Override
    public void close() {
        client.close();
    }

    public static void main(String[] args) throws InterruptedException {
        int code = ExampleArgs.run(args, GreeterBot::serve);
        if (code != 0) {
            System.exit(code);
        }
    }

    private static void serve(String[] args) throws InterruptedException {
        ExampleArgs cli = ExampleArgs.parse("GreeterBot", "[HOST [PORT [ROOM]]]  (default localhost 7777 lobby)", 3, args);
        String host = cli.get(0, "localhost");
        int port = cli.port(1, 7777);
        String room = cli.get(2, "lobby");
        GreeterBot bot;
        try {
            bot = new GreeterBot(host, port, room).start();
        } catch (ExecutionException e) { // "cannot connect to localhost:7777: Connection refused", a bad room...
            throw cli.cannotStart(e.getCause().getMessage());
        } catch (TimeoutException e) {
            throw cli.cannotStart("no welcome from " + host + ":" + port + " within 10 s");
        }
        Runtime.getRuntime().addShutdownHook(new Thread(bot::close));
        System.out.println("greeter is in #" + room + " on " + host + ":" + port + "; Ctrl-C to stop");
        Thread.currentThread().join(); // until Ctrl-C
    }
}
