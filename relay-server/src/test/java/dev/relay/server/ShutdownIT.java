package dev.relay.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.relay.core.chat.ServerLine;
import dev.relay.core.chat.ServerLine.Kind;
import dev.relay.testing.TestClient;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** close() with messages in flight: healthy clients get every accepted message, then the goodbye. */
@Timeout(60)
class ShutdownIT {

    private static final int MESSAGES = 2_000;

    @Test
    void messagesAcceptedBeforeShutdownAllArriveThenGoodbye() {
        RelayServer server = new RelayServer(RelayServerConfig.builder().host("127.0.0.1").port(0).messageRate(0, 1)
                .drainTimeout(Duration.ofSeconds(10)).build()).start();
        try (TestClient bob = TestClient.line(server.port());
                TestClient carol = TestClient.line(server.port())) {
            bob.readUntil(Kind.WELCOME);
            carol.readUntil(Kind.WELCOME);
            try (TestClient alice = TestClient.line(server.port())) {
                alice.readUntil(Kind.WELCOME);
                alice.send("/nick alice");
                bob.readUntil(line -> line.kind() == Kind.NICK && line.arg(2).equals("alice"));
                carol.readUntil(line -> line.kind() == Kind.NICK && line.arg(2).equals("alice"));
                for (int i = 0; i < MESSAGES; i++) {
                    alice.send("in flight " + i);
                }
                alice.sync(); // the server has read (and fanned out) every message: they are accepted
                server.close(); // bob and carol have not read any of them yet
            }
            for (TestClient reader : List.of(bob, carol)) {
                List<String> rest = reader.readUntilClosed();
                List<String> messages = rest.stream().filter(line -> line.startsWith("MSG ")).toList();
                assertThat(messages).hasSize(MESSAGES);
                for (int i = 0; i < MESSAGES; i++) {
                    assertThat(messages.get(i)).isEqualTo("MSG lobby alice in flight " + i);
                }
                assertThat(ServerLine.parse(rest.get(rest.size() - 1)))
                        .hasToString("BYE Server shutting down");
            }
        } finally {
            server.close();
        }
    }
}
