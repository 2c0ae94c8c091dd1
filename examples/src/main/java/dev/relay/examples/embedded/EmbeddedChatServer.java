package dev.relay.examples.embedded;

import dev.relay.examples.ExampleArgs;
import dev.relay.server.RelayPipeline;
import dev.relay.server.RelayServer;
import dev.relay.server.RelayServerConfig;
import dev.relay.server.RelayServerException;
import java.time.Clock;

/**
 * Runs the chat relay inside an application, with a handler of the app's own in every connection's
 * pipeline (a bot that answers {@code !time}): the README's "Embed the server" section.
 * Usage: {@code EmbeddedChatServer [PORT]} (default 7777; 0 picks a free one).
 */
public final class EmbeddedChatServer {

    private EmbeddedChatServer() {
    }

    /** Starts a chat relay on 127.0.0.1:{@code port} (0 for any free port); the caller closes it. */
    public static RelayServer start(int port, Clock clock) {
        TimeBotHandler timeBot = new TimeBotHandler(clock); // @Sharable: one for all connections
        RelayServerConfig config = RelayServerConfig.builder()
                .host("127.0.0.1")
                .port(port)
                .defaultRoom("lobby")
                .pipelineCustomizer(pipeline -> pipeline.addBefore(RelayPipeline.CHAT, "timebot", timeBot))
                .build();
        return new RelayServer(config).start(); // returns once bound
    }

    public static void main(String[] args) throws InterruptedException {
        int code = ExampleArgs.run(args, EmbeddedChatServer::serve);
        if (code != 0) {
            System.exit(code);
        }
    }

    private static void serve(String[] args) throws InterruptedException {
        ExampleArgs cli = ExampleArgs.parse("EmbeddedChatServer", "[PORT]  (default 7777; 0 picks a free one)", 1, args);
        RelayServer server;
        try {
            server = start(cli.port(0, 7777), Clock.systemUTC());
        } catch (RelayServerException e) {
            throw cli.cannotStart(e.getMessage()); // "cannot listen on 127.0.0.1:7777: Address already in use"
        }
        Runtime.getRuntime().addShutdownHook(new Thread(server::close));
        System.out.println("Chat relay on port " + server.port() + "; connect with nc 127.0.0.1 " + server.port()
                + " and say !time");
        server.awaitClose();
    }
}
