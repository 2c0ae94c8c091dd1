package dev.relay.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.relay.core.chat.ServerLine;
import dev.relay.core.chat.ServerLine.Kind;
import dev.relay.testing.Clients;
import dev.relay.testing.TestClient;
import io.netty.channel.embedded.EmbeddedChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Replies obey the same limits as room traffic: clients that send hundreds of commands in one write and
 * never read the answers make the server hold little more than the high water mark each (the read gate
 * stops within the read), are cut as slow consumers after the grace period, and never slow anyone else.
 * Before, each such client made the server queue megabytes of answers, and a few hundred stalled it.
 */
@Timeout(60)
class UnreadRepliesIT {

    private static final int ASKERS = 20;
    private static final int GRACE_MILLIS = 1000;

    @Test
    void commandsWhoseAnswersAreNotReadWaitUnreadAndTheirSendersAreCut() throws Exception {
        Clients clients = new Clients();
        try (RelayServer server = new RelayServer(RelayServerConfig.builder().host("127.0.0.1").port(0)
                .messageRate(0, 1) // the rate limit would drop most of them: this is about what the gate holds
                .slowConsumerGrace(Duration.ofMillis(GRACE_MILLIS)).build()).start()) {
            int port = server.port();
            List<EmbeddedChannel> roomHolders = new ArrayList<>(); // 1,500 rooms: /rooms answers 16 KB
            for (int i = 0; i < 1500; i++) {
                EmbeddedChannel holder = new EmbeddedChannel();
                roomHolders.add(holder);
                server.rooms().join("room" + i, holder);
            }
            TestClient bystander = clients.add(TestClient.line(port));
            bystander.readUntil(Kind.WELCOME);
            // 500 commands in 3.5 KB, about 8 MB of answers: more than the kernel's socket buffers hold
            byte[] flood = "/rooms\n".repeat(500).getBytes(java.nio.charset.StandardCharsets.UTF_8);
            for (int i = 0; i < ASKERS; i++) {
                TestClient asker = clients.add(TestClient.line(port, 4096));
                asker.sendRaw(flood); // in one write, and never read
            }
            AtomicLong most = new AtomicLong();
            List<ServerLine> heard = new ArrayList<>();
            long start = System.nanoTime();
            while (System.nanoTime() - start < TimeUnit.MILLISECONDS.toNanos(GRACE_MILLIS / 2)) {
                most.accumulateAndGet(server.maxPendingOutboundBytes(), Math::max);
                long asked = System.nanoTime();
                List<ServerLine> lines = bystander.sync();
                assertThat(lines).noneMatch(line -> line.kind() == Kind.ERR);
                heard.addAll(lines);
                assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - asked))
                        .as("everyone else is answered, without waiting for them").isLessThan(5000);
            }
            assertThat(most.get()).as("what waits for one client that reads nothing: the high water mark and an answer")
                    .isLessThan(64 * 1024 + 32 * 1024);

            await().atMost(Duration.ofMillis(GRACE_MILLIS + 3000)).untilAsserted(() -> assertThat(
                    server.connectionCount() + " open, " + server.rooms().guard().disconnectedMembers() + " cut, "
                    + server.maxPendingOutboundBytes() + " pending").startsWith("1 open"));
            assertThat(server.rooms().guard().disconnectedMembers()).isEqualTo(ASKERS);
            heard.addAll(bystander.sync());
            assertThat(heard).filteredOn(line -> line.kind() == Kind.QUIT).hasSize(ASKERS)
                    .allMatch(line -> line.text().startsWith("too slow: did not read its own replies for more than"));
            roomHolders.forEach(EmbeddedChannel::finishAndReleaseAll);
        } finally {
            clients.close();
        }
    }
}
