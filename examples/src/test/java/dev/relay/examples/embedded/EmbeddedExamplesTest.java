package dev.relay.examples.embedded;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.relay.core.chat.ServerLine.Kind;
import dev.relay.server.RelayServer;
import dev.relay.testing.TestClient;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Runs the README's embedding examples, so they cannot rot. */
@Timeout(30)
class EmbeddedExamplesTest {

    private static final Clock NOON = Clock.fixed(Instant.parse("2026-11-25T12:34:56Z"), ZoneOffset.UTC);

    @Test
    void theEmbeddedChatServerRelaysChatAndItsBotAnswersTheWholeRoom() {
        try (RelayServer server = EmbeddedChatServer.start(0, NOON);
                TestClient alice = TestClient.line(server.port());
                TestClient bob = TestClient.line(server.port())) {
            alice.readUntil(Kind.WELCOME);
            bob.readUntil(Kind.WELCOME);
            bob.send("hi from bob");
            assertThat(alice.readUntil(Kind.MSG).text()).isEqualTo("hi from bob");
            bob.send("!time");
            assertThat(alice.readUntil(Kind.MSG).text()).isEqualTo("!time");
            assertThat(alice.readUntil(Kind.MSG)).hasToString("MSG lobby timebot It is 12:34:56 UTC");
            assertThat(bob.readUntil(Kind.MSG)).hasToString("MSG lobby timebot It is 12:34:56 UTC");
            bob.send("what !time is it");
            assertThat(alice.readUntil(Kind.MSG).text()).isEqualTo("what !time is it");
            assertThat(alice.sync()).as("the bot answers only !time").isEmpty();
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
