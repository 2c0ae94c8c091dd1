package dev.relay.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.relay.core.chat.ServerLine;
import dev.relay.core.chat.ServerLine.Kind;
import dev.relay.testing.TestClient;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * 200 clients × 200 messages in 10 rooms while a quarter of them keep disconnecting abruptly and
 * coming back: every message from a client that stayed reaches every other stayer in its room exactly
 * once, in the order it was sent.
 */
@Timeout(180)
class SoakIT {

    private static final int ROOMS = 10;
    private static final int STAYERS_PER_ROOM = 15;
    private static final int CHURNERS_PER_ROOM = 5; // 10 x (15 + 5) = 200 clients
    private static final int MESSAGES = 200;
    private static final int CHURN_BATCHES = 20; // per room: 100 abrupt disconnects and reconnects

    @Test
    void stayersGetEveryMessageOnceInOrderWhileOthersChurn() throws Exception {
        int stayers = ROOMS * STAYERS_PER_ROOM;
        ExecutorService pool = Executors.newFixedThreadPool(stayers + ROOMS);
        AtomicBoolean churning = new AtomicBoolean(true);
        List<TestClient> clients = new ArrayList<>();
        try (RelayServer server = new RelayServer(RelayServerConfig.builder().host("127.0.0.1").port(0).build()).start()) {
            // Everyone in place first, so each stayer knows exactly what it must receive.
            List<List<TestClient>> rooms = new ArrayList<>();
            for (int r = 0; r < ROOMS; r++) {
                List<TestClient> room = new ArrayList<>();
                for (int s = 0; s < STAYERS_PER_ROOM; s++) {
                    TestClient client = TestClient.line(server.port());
                    clients.add(client);
                    String nick = "s" + r + "x" + s;
                    client.send("/hello nick=" + nick + " rooms=room" + r); // arrives in its room as itself
                    client.readUntil(line -> line.kind() == Kind.JOIN && line.arg(1).equals(nick));
                    room.add(client);
                }
                rooms.add(room);
            }
            // Everyone has seen every later stayer join: nothing of the setup is left in flight.
            for (int r = 0; r < ROOMS; r++) {
                String last = "s" + r + "x" + (STAYERS_PER_ROOM - 1);
                for (TestClient client : rooms.get(r)) {
                    if (client != rooms.get(r).get(STAYERS_PER_ROOM - 1)) {
                        client.readUntil(line -> line.kind() == Kind.JOIN && line.arg(1).equals(last));
                    }
                }
            }

            List<Future<?>> churners = new ArrayList<>();
            for (int r = 0; r < ROOMS; r++) {
                int room = r;
                churners.add(pool.submit(() -> {
                    Random random = new Random(room);
                    for (int round = 0; round < CHURN_BATCHES && churning.get(); round++) {
                        List<TestClient> batch = new ArrayList<>();
                        for (int c = 0; c < CHURNERS_PER_ROOM; c++) {
                            TestClient churner = TestClient.line(server.port());
                            batch.add(churner);
                            churner.send("/hello rooms=room" + room);
                            for (int m = random.nextInt(5); m > 0; m--) {
                                churner.send("churn " + m);
                            }
                        }
                        batch.forEach(TestClient::close); // abrupt: no /quit
                    }
                    return null;
                }));
            }

            List<Future<?>> work = new ArrayList<>();
            for (int r = 0; r < ROOMS; r++) {
                for (int s = 0; s < STAYERS_PER_ROOM; s++) {
                    TestClient me = rooms.get(r).get(s);
                    String prefix = "s" + r + "x";
                    int self = s;
                    work.add(pool.submit(() -> {
                        for (int m = 0; m < MESSAGES; m++) {
                            me.send(m + "");
                        }
                        int[] next = new int[STAYERS_PER_ROOM];
                        for (int got = 0; got < (STAYERS_PER_ROOM - 1) * MESSAGES; ) {
                            ServerLine line;
                            try {
                                line = me.read();
                            } catch (RuntimeException e) {
                                throw new AssertionError(prefix + self + " stalled after " + got + " messages; next "
                                        + java.util.Arrays.toString(next) + "; server: " + server.connectionCount()
                                        + " connections, " + server.rooms().guard().disconnectedMembers() + " cut", e);
                            }
                            if (line.kind() != Kind.MSG || !line.arg(1).startsWith(prefix)) {
                                continue; // churners and presence
                            }
                            int sender = Integer.parseInt(line.arg(1).substring(prefix.length()));
                            assertThat(sender).isNotEqualTo(self);
                            assertThat(Integer.parseInt(line.text())).as("from %s%d", prefix, sender)
                                    .isEqualTo(next[sender]++);
                            got++;
                        }
                        return null;
                    }));
                }
            }
            for (Future<?> done : work) {
                done.get(150, TimeUnit.SECONDS);
            }
            churning.set(false);
            for (Future<?> churner : churners) {
                churner.get(30, TimeUnit.SECONDS);
            }
            for (TestClient client : clients) {
                assertThat(client.sync()).as("nothing extra").noneMatch(line -> line.kind() == Kind.MSG
                        && line.arg(1).startsWith("s") && !line.text().startsWith("churn"));
            }
        } finally {
            churning.set(false);
            clients.forEach(TestClient::close);
            pool.shutdownNow();
        }
    }
}
