package dev.relay.examples.bot;

import static org.assertj.core.api.Assertions.assertThat;

import dev.relay.core.chat.ServerLine.Kind;
import dev.relay.server.RelayServer;
import dev.relay.server.RelayServerConfig;
import dev.relay.testing.TestClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
class GreeterBotTest {

    @Test
    void greetsEveryoneWhoJoinsItsRoom() throws Exception {
        try (RelayServer server = new RelayServer(RelayServerConfig.builder().host("127.0.0.1").port(0).build()).start();
                GreeterBot bot = new GreeterBot("127.0.0.1", server.port(), "dev").start();
                TestClient visitor = TestClient.line(server.port())) {
            visitor.send("/hello nick=visitor rooms=dev"); // arrives as itself: the bot never sees a guest
            assertThat(visitor.readUntil(Kind.MSG)).hasToString("MSG dev greeter Welcome to #dev, visitor!");
        }
    }
}
