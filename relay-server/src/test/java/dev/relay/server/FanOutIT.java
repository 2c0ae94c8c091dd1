package dev.relay.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.relay.core.chat.ServerLine;
import dev.relay.core.chat.ServerLine.Kind;
import dev.relay.testing.TestClient;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Many clients all talking at once: every message arrives exactly once, in each sender's order. */
@Timeout(120)
class FanOutIT {

    private static final int CLIENTS = 50;
    private static final int MESSAGES = 100;

    @Test
    void fiftyClientsTimesAHundredMessagesAllArriveOnceInOrder() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(CLIENTS);
        List<TestClient> clients = new ArrayList<>();
        try (RelayServer server = new RelayServer(
                RelayServerConfig.builder().host("127.0.0.1").port(0).build()).start()) {
            for (int i = 0; i < CLIENTS; i++) {
                TestClient client = TestClient.line(server.port());
                clients.add(client);
                String nick = "c" + i;
                client.send("/nick " + nick);
                client.readUntil(line -> line.kind() == Kind.NICK && line.arg(2).equals(nick));
            }
            for (TestClient client : clients) {
                client.sync();
            }

            List<Future<int[]>> received = new ArrayList<>();
            for (int i = 0; i < CLIENTS; i++) {
                TestClient client = clients.get(i);
                int self = i;
                received.add(pool.submit(() -> {
                    for (int m = 0; m < MESSAGES; m++) {
                        client.send(self + " " + m);
                    }
                    int[] next = new int[CLIENTS];
                    int expected = (CLIENTS - 1) * MESSAGES;
                    for (int got = 0; got < expected; ) {
                        ServerLine line = client.read();
                        if (line.kind() != Kind.MSG) {
                            continue;
                        }
                        String[] parts = line.text().split(" ");
                        int sender = Integer.parseInt(parts[0]);
                        int seq = Integer.parseInt(parts[1]);
                        assertThat(line.arg(1)).isEqualTo("c" + sender);
                        assertThat(sender).as("no echo").isNotEqualTo(self);
                        assertThat(seq).as("from c%d to c%d", sender, self).isEqualTo(next[sender]);
                        next[sender]++;
                        got++;
                    }
                    assertThat(client.sync()).as("nothing extra").noneMatch(l -> l.kind() == Kind.MSG);
                    return next;
                }));
            }
            for (int i = 0; i < CLIENTS; i++) {
                int[] counts = received.get(i).get();
                for (int sender = 0; sender < CLIENTS; sender++) {
                    assertThat(counts[sender]).isEqualTo(sender == i ? 0 : MESSAGES);
                }
            }
        } finally {
            clients.forEach(TestClient::close);
            pool.shutdownNow();
        }
    }
}
