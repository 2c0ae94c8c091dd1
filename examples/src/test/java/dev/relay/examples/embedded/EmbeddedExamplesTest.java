package dev.relay.examples.embedded;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.relay.core.chat.ServerLine.Kind;
import dev.relay.server.RelayServer;
import dev.relay.testing.TestClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Runs the README's embedding examples, so they cannot rot. */
@Timeout(30)
class EmbeddedExamplesTest {

    @Test
    void theEmbeddedChatServerRelaysChat() {
        try (RelayServer server = EmbeddedChatServer.start(0);
                TestClient alice = TestClient.line(server.port());
                TestClient bob = TestClient.line(server.port())) {
            alice.readUntil(Kind.WELCOME);
            bob.readUntil(Kind.WELCOME);
            bob.send("hi from bob");
            assertThat(alice.readUntil(Kind.MSG).text()).isEqualTo("hi from bob");
        }
    }

    @Test
    void theRawRelayForwardsFramesVerbatimToTheOthers() throws Exception {
        try (RawRelay relay = new RawRelay(0);
                TestClient a = TestClient.length(relay.port());
                TestClient b = TestClient.length(relay.port());
                TestClient c = TestClient.length(relay.port())) {
            await().until(() -> relay.members() == 3);
            a.send("{\"any\":\"payload\"}");
            assertThat(b.readLine()).isEqualTo("{\"any\":\"payload\"}");
            assertThat(c.readLine()).isEqualTo("{\"any\":\"payload\"}");
            c.send("back");
            assertThat(a.readLine()).isEqualTo("back");
            assertThat(b.readLine()).isEqualTo("back");
        }
    }
}
