package dev.relay.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.relay.core.chat.ServerLine;
import dev.relay.testing.TestClient;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
class RelayServerTest {

    private static RelayServerConfig.Builder loopback() {
        return RelayServerConfig.builder().host("127.0.0.1").port(0).ioThreads(2);
    }

    private static long relayThreads() {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(thread -> thread.getName().startsWith("relay-"))
                .count();
    }

    @Test
    void startBindsAnEphemeralPortAndCloseStopsEveryThread() {
        RelayServer server = new RelayServer(loopback().build()).start();
        assertThat(server.port()).isPositive();
        try (TestClient client = TestClient.line(server.port())) {
            assertThat(client.read().kind()).isEqualTo(ServerLine.Kind.WELCOME);
            await().untilAsserted(() -> assertThat(server.connectionCount()).isEqualTo(1));
        }
        server.close();
        server.close(); // idempotent
        await().atMost(Duration.ofSeconds(5)).until(() -> relayThreads() == 0);
        assertThatThrownBy(server::localAddress).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(server::start).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void aPortInUseIsAClearErrorAndLeavesNoThreads() {
        try (RelayServer first = new RelayServer(loopback().build()).start()) {
            RelayServer second = new RelayServer(loopback().port(first.port()).build());
            assertThatThrownBy(second::start)
                    .isInstanceOf(RelayServerException.class)
                    .hasMessageStartingWith("cannot listen on 127.0.0.1:" + first.port() + ": ")
                    .hasMessageContaining("in use");
            second.close();
        }
        await().atMost(Duration.ofSeconds(5)).until(() -> relayThreads() == 0);
    }

    @Test
    void theNioTransportServesToo() {
        try (RelayServer server = new RelayServer(loopback().nativeTransport(false).build()).start();
                TestClient a = TestClient.line(server.port());
                TestClient b = TestClient.line(server.port())) {
            a.readUntil(ServerLine.Kind.WELCOME);
            b.readUntil(ServerLine.Kind.WELCOME);
            a.sync();
            b.send("over nio");
            assertThat(a.readUntil(ServerLine.Kind.MSG).text()).isEqualTo("over nio");
        }
    }
}
