package dev.relay.examples.bot;

import dev.relay.client.RelayClient;
import dev.relay.client.RelayClientConfig;
import dev.relay.client.RelayEvent;
import java.util.concurrent.TimeUnit;

/**
 * A bot on {@link RelayClient}: it sits in a room and greets everyone who joins it. It reconnects by
 * itself if the server goes away. Usage: {@code GreeterBot [HOST [PORT [ROOM]]]}.
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
    public GreeterBot start() throws Exception {
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

    public static void main(String[] args) throws Exception {
        String host = args.length > 0 ? args[0] : "localhost";
        int port = args.length > 1 ? Integer.parseInt(args[1]) : 7777;
        String room = args.length > 2 ? args[2] : "lobby";
        GreeterBot bot = new GreeterBot(host, port, room).start();
        Runtime.getRuntime().addShutdownHook(new Thread(bot::close));
        System.out.println("greeter is in #" + room + " on " + host + ":" + port + "; Ctrl-C to stop");
        Thread.currentThread().join(); // until Ctrl-C
    }
}
