package dev.relay.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.relay.core.chat.ServerLine;
import dev.relay.core.chat.ServerLine.Kind;
import dev.relay.testing.Clients;
import dev.relay.testing.TestClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A healthy reader that stops reading for moments while four publishers burst, so that it is several
 * MiB behind (more than the 1 MiB soft limit) and then catches up, round after round, with the server's
 * default slow-consumer rules. It must get every message, in order, and never be cut: behind for a
 * moment is not slow. (Before the grace period, it was cut the moment it passed 1 MiB.)
 */
@Timeout(120)
class PausingReaderIT {

    private static final int PUBLISHERS = 4;
    private static final int ROUNDS = 3;
    // per publisher: 4 x 14,000 x ~135 bytes, about 7 MiB a round: enough to fill the kernel's buffers
    // (the server's send buffer grows to 4 MiB) and leave the server more than 2 MiB behind
    private static final int PER_ROUND = 14_000;
    private static final long BEHIND = 2L << 20;
    private static final String PADDING = "p".repeat(100);

    @Test
    void aReaderBehindForAMomentGetsEveryMessageInOrder() throws Exception {
        ExecutorService pool = Executors.newCachedThreadPool();
        Clients clients = new Clients();
        try (RelayServer server = new RelayServer(RelayServerConfig.builder().host("127.0.0.1").port(0)
                .messageRate(0, 1).build()).start()) {
            int port = server.port();
            TestClient reader = clients.add(TestClient.line(port, 64 * 1024));
            reader.readUntil(Kind.WELCOME);
            reader.send("/nick reader");
            reader.readUntil(Kind.NICK);
            List<TestClient> publishers = new ArrayList<>();
            for (int p = 0; p < PUBLISHERS; p++) {
                TestClient publisher = clients.add(TestClient.line(port));
                publisher.readUntil(Kind.WELCOME);
                publisher.send("/nick pub" + p);
                publisher.readUntil(Kind.NICK);
                publishers.add(publisher);
                pool.submit(publisher::readUntilClosed); // publishers read everything too
            }
            reader.readUntil(line -> line.kind() == Kind.NICK && line.arg(2).equals("pub" + (PUBLISHERS - 1)));

            int[] next = new int[PUBLISHERS];
            long mostBehind = 0;
            for (int round = 0; round < ROUNDS; round++) {
                // the reader does not read while the publishers burst ...
                int first = round * PER_ROUND;
                List<Future<?>> bursts = new ArrayList<>();
                for (TestClient publisher : publishers) {
                    bursts.add(pool.submit(() -> {
                        for (int m = first; m < first + PER_ROUND; m++) {
                            publisher.send(m + " " + PADDING);
                        }
                    }));
                }
                AtomicLong behind = new AtomicLong();
                await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(5))
                        .until(() -> behind.accumulateAndGet(server.maxPendingOutboundBytes(), Math::max) >= BEHIND);
                for (Future<?> burst : bursts) {
                    burst.get(30, TimeUnit.SECONDS);
                }
                mostBehind = Math.max(mostBehind, behind.get());
                // ... then reads flat out until it has caught up with the round
                for (int got = 0; got < PUBLISHERS * PER_ROUND; ) {
                    ServerLine line = reader.read();
                    assertThat(line.kind()).as("never cut: %s", line).isNotEqualTo(Kind.BYE);
                    if (line.kind() == Kind.MSG) {
                        int publisher = line.arg(1).charAt(3) - '0';
                        int seq = Integer.parseInt(line.text().substring(0, line.text().indexOf(' ')));
                        assertThat(seq).as("from pub%d", publisher).isEqualTo(next[publisher]++);
                        got++;
                    }
                }
            }
            assertThat(mostBehind).as("the reader really was behind by more than the soft limit")
                    .isGreaterThanOrEqualTo(BEHIND);
            assertThat(reader.sync()).noneMatch(line -> line.kind() == Kind.QUIT || line.kind() == Kind.MSG);
            assertThat(server.rooms().guard().disconnectedMembers()).isZero();
        } finally {
            clients.close();
            pool.shutdownNow();
        }
    }
}
