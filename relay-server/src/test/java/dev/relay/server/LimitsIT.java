package dev.relay.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.relay.core.chat.ServerLine;
import dev.relay.core.chat.ServerLine.Kind;
import dev.relay.testing.TestClient;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(60)
class LimitsIT {

    @Test
    void connectionsOverTheCapsAreToldThenClosed() {
        List<TestClient> clients = new ArrayList<>();
        try (RelayServer server = new RelayServer(RelayServerConfig.builder().host("127.0.0.1").port(0)
                .maxConnections(5).maxConnectionsPerAddress(3).build()).start()) {
            for (int i = 0; i < 3; i++) {
                TestClient client = TestClient.line(server.port());
                clients.add(client);
                assertThat(client.read().kind()).isEqualTo(Kind.WELCOME);
            }
            TestClient fourth = TestClient.line(server.port());
            clients.add(fourth);
            assertThat(fourth.readUntilClosed()).singleElement().asString()
                    .isEqualTo("ERR too-many-connections Your address has the maximum of 3 connections");
            clients.get(0).close();
            org.awaitility.Awaitility.await().until(() -> server.connectionCount() == 2);
            TestClient again = TestClient.line(server.port());
            clients.add(again);
            assertThat(again.read().kind()).as("a freed slot is usable").isEqualTo(Kind.WELCOME);
        } finally {
            clients.forEach(TestClient::close);
        }
    }

    @Test
    void aFlooderIsRateLimitedWhileOthersChatUnhindered() {
        try (RelayServer server = new RelayServer(RelayServerConfig.builder().host("127.0.0.1").port(0)
                .messageRate(20, 50).build()).start();
                TestClient alice = TestClient.line(server.port());
                TestClient bob = TestClient.line(server.port());
                TestClient flooder = TestClient.line(server.port())) {
            alice.readUntil(Kind.WELCOME);
            bob.readUntil(Kind.WELCOME);
            flooder.readUntil(Kind.WELCOME);
            flooder.send("/nick flooder");
            bob.readUntil(line -> line.kind() == Kind.NICK && line.arg(2).equals("flooder"));
            StringBuilder flood = new StringBuilder();
            for (int i = 0; i < 1_000; i++) {
                flood.append("spam ").append(i).append('\n');
            }
            flooder.sendRaw(flood.toString().getBytes());
            assertThat(flooder.readUntil(Kind.ERR).arg(0)).isEqualTo("rate-limited");
            alice.send("/nick alice");
            alice.send("still talking");
            ServerLine fromAlice = bob.readUntil(line -> line.kind() == Kind.MSG && line.arg(1).equals("alice"));
            assertThat(fromAlice.text()).isEqualTo("still talking");
            alice.send("/quit");
            long spamSeen = bob.sync().stream().count(); // bob is not starved either
            assertThat(spamSeen).isLessThan(1_000);
        }
    }
}
