package dev.relay.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.relay.core.chat.ChatLimits;
import dev.relay.core.chat.ServerLine;
import dev.relay.core.chat.ServerLine.Kind;
import dev.relay.testing.TestClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Every close completes, over real sockets, for clients that do not read while their room is busy: a
 * never-reading member is cut within the grace period plus a little; a "ghost" that neither sends nor
 * reads is closed by the idle timeout plus the close deadline; a "zombie" that says {@code /quit} while
 * reading nothing is closed within the grace period. Before, the ghost and the zombie stayed for good,
 * holding a descriptor, a per-IP slot and their queues. (A {@code /quit} whose {@code BYE} cannot be
 * written is closed by the close deadline: {@code SlowConsumerRulesTest}.)
 */
@Timeout(60)
class ClosingIT {

    private final ExecutorService pool = Executors.newCachedThreadPool();
    private final List<TestClient> clients = new ArrayList<>();
    private final AtomicBoolean talking = new AtomicBoolean(true);

    @AfterEach
    void stop() {
        talking.set(false);
        clients.forEach(TestClient::close);
        pool.shutdownNow();
    }

    private TestClient client(int port, int receiveBuffer, String nick) {
        TestClient client = TestClient.line(port, receiveBuffer);
        clients.add(client);
        client.readUntil(Kind.WELCOME);
        client.send("/nick " + nick);
        client.readUntil(line -> line.kind() == Kind.NICK && line.arg(2).equals(nick));
        return client;
    }

    /**
     * A member that talks steadily (so it is never idle) and reads what it is sent: the lines it gets come
     * out of the returned queue.
     */
    private BlockingQueue<ServerLine> chatter(int port, int lineLength) {
        TestClient chatter = client(port, 0, "chatter");
        BlockingQueue<ServerLine> heard = new LinkedBlockingQueue<>();
        pool.submit(() -> {
            while (true) {
                heard.add(chatter.read());
            }
        });
        pool.submit(() -> {
            String padding = "c".repeat(lineLength);
            for (int m = 0; talking.get(); m++) {
                chatter.send(m + " " + padding);
            }
            return null;
        });
        return heard;
    }

    /** Takes lines from {@code heard} until the QUIT of {@code nick}; returns it. */
    private static ServerLine quitOf(BlockingQueue<ServerLine> heard, String nick) throws InterruptedException {
        while (true) {
            ServerLine line = heard.poll(20, TimeUnit.SECONDS);
            assertThat(line).as("a line before the QUIT of %s", nick).isNotNull();
            if (line.kind() == Kind.QUIT && line.arg(1).equals(nick)) {
                return line;
            }
        }
    }

    @Test
    void aMemberThatNeverReadsIsCutWithinTheGracePeriodPlusALittle() throws Exception {
        Duration grace = Duration.ofSeconds(2);
        try (RelayServer server = new RelayServer(RelayServerConfig.builder().host("127.0.0.1").port(0)
                .slowConsumerGrace(grace).build()).start()) {
            int port = server.port();
            client(port, 4096, "stopped");
            // at the default rate, 1.6 MB/s: over the soft limit soon, far from the hard one within the grace
            BlockingQueue<ServerLine> heard = chatter(port, 8000);
            await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(5))
                    .until(() -> server.maxPendingOutboundBytes() > server.config().maxPendingBytes());
            long over = System.nanoTime();
            ServerLine line = quitOf(heard, "stopped");
            long after = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - over);
            assertThat(line.text()).startsWith("too slow: more than 1048576 bytes waiting, and less than that read, for more than 2000 ms");
            assertThat(after).as("cut after the grace period, plus a little").isBetween(1800L, 3000L);
        }
    }

    @Test
    void aGhostThatNeitherSendsNorReadsIsClosedByTheIdleTimeoutAndTheCloseDeadline() throws Exception {
        try (RelayServer server = new RelayServer(RelayServerConfig.builder().host("127.0.0.1").port(0)
                .idleTimeout(Duration.ofSeconds(3))
                .slowConsumerGrace(Duration.ofMinutes(1)).maxPendingBytes(256L << 20)
                .chatLimits(new ChatLimits(100, 100, Duration.ofSeconds(1))).build()).start()) {
            int port = server.port();
            client(port, 4096, "ghost");
            BlockingQueue<ServerLine> heard = chatter(port, 8000); // at the default rate: 1.6 MB/s
            long start = System.nanoTime();
            assertThat(quitOf(heard, "ghost").text()).isEqualTo("idle: sent nothing for too long");
            await().atMost(Duration.ofSeconds(5)).until(() -> server.connectionCount() == 1);
            assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start))
                    .as("idle timeout + close deadline + a little").isLessThan(5500);
        }
    }

    @Test
    void aZombieThatQuitAndReadsNothingIsClosedWithinTheGrace() throws Exception {
        try (RelayServer server = new RelayServer(RelayServerConfig.builder().host("127.0.0.1").port(0)
                .slowConsumerGrace(Duration.ofSeconds(1)).maxPendingBytes(256L << 20)
                .chatLimits(new ChatLimits(100, 100, Duration.ofSeconds(1))).build()).start()) {
            int port = server.port();
            TestClient zombie = client(port, 4096, "zombie");
            BlockingQueue<ServerLine> heard = chatter(port, 8000);
            await().atMost(Duration.ofSeconds(20)).until(() -> server.maxPendingOutboundBytes() > 256 * 1024);
            // Its output is over the high water mark, so the /quit waits unread behind the read gate (a BYE
            // could not reach it anyway); it is a client that does not read its replies, cut after the grace.
            zombie.send("/quit");
            long quit = System.nanoTime();
            assertThat(quitOf(heard, "zombie").text()).startsWith("too slow: did not read its own replies");
            await().atMost(Duration.ofSeconds(5)).until(() -> server.connectionCount() == 1);
            assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - quit))
                    .as("the grace period, plus a little").isBetween(800L, 2500L);
        }
    }
}
