package dev.relay.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.relay.core.chat.ServerLine;
import dev.relay.core.chat.ServerLine.Kind;
import dev.relay.testing.Clients;
import dev.relay.testing.TestClient;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Phaser;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A client that never reads, while others publish fast: it is cut once it has been over the soft limit
 * for the grace period (never holding more than the hard limit), and nobody else loses anything.
 */
@Timeout(120)
class SlowConsumerIT {

    private static final int CAP = 256 * 1024;
    private static final int HARD = 4 * CAP;
    private static final int GRACE_MILLIS = 500;
    private static final int PUBLISHERS = 4;
    private static final int MESSAGES = 15_000; // 4 x 15,000 x ~130 bytes: far more than kernel buffers hold
    private static final int ROUND = 100; // per publisher; readers confirm each round, so they keep up
    private static final String PADDING = "x".repeat(100);

    @Test
    void aNeverReadingClientIsDisconnectedAndTheFastOnesGetEverythingInOrder() throws Exception {
        try (RelayServer server = new RelayServer(RelayServerConfig.builder().host("127.0.0.1").port(0).messageRate(0, 1)
                .maxPendingBytes(CAP).maxPendingBytesHard(HARD).slowConsumerGrace(java.time.Duration.ofMillis(GRACE_MILLIS))
                .build()).start()) {
            scenario(server.port(), server::maxPendingOutboundBytes);
            assertThat(server.rooms().guard().disconnectedMembers()).isEqualTo(1);
        }
    }

    /** The same against the runnable jar in its own JVM with a 96 MB heap, as an operator would run it. */
    @Test
    void theJarInA96MegabyteHeapHoldsUpTheSame() throws Exception {
        List<String> command = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx96m", "-jar", Path.of("target", "relay-server.jar").toString(),
                "--host", "127.0.0.1", "--port", "0", "--max-pending-bytes", String.valueOf(CAP),
                "--max-pending-bytes-hard", String.valueOf(HARD), "--slow-consumer-grace-ms", String.valueOf(GRACE_MILLIS),
                "--rate", "0");
        Process jar = new ProcessBuilder(command).redirectErrorStream(true).start();
        try {
            BufferedReader log = new BufferedReader(new InputStreamReader(jar.getInputStream(), StandardCharsets.UTF_8));
            int port = -1;
            for (String line; port < 0 && (line = log.readLine()) != null; ) {
                Matcher m = Pattern.compile("listening on 127\\.0\\.0\\.1:(\\d+) ").matcher(line);
                if (m.find()) {
                    port = Integer.parseInt(m.group(1));
                }
            }
            assertThat(port).as("the jar started").isPositive();
            scenario(port, () -> 0);
            assertThat(jar.isAlive()).isTrue();
            try (TestClient late = TestClient.line(port)) {
                assertThat(late.read().kind()).as("still serving").isEqualTo(Kind.WELCOME);
            }
        } finally {
            jar.destroy();
            jar.waitFor(20, TimeUnit.SECONDS);
        }
    }

    private void scenario(int port, java.util.function.LongSupplier pendingOfAnyOneClient) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(2 * PUBLISHERS + 2);
        Clients clients = new Clients();
        try {
            List<TestClient> readers = List.of(clients.add(TestClient.line(port)),
                    clients.add(TestClient.line(port)));
            for (TestClient reader : readers) {
                reader.readUntil(Kind.WELCOME);
            }
            Socket slow = new Socket();
            slow.setReceiveBufferSize(4096);
            slow.connect(new InetSocketAddress("127.0.0.1", port));
            slow.getOutputStream().write("/nick slow\n".getBytes());
            for (TestClient reader : readers) {
                reader.readUntil(line -> line.kind() == Kind.NICK && line.arg(2).equals("slow"));
            }

            List<TestClient> publishers = new ArrayList<>();
            for (int p = 0; p < PUBLISHERS; p++) {
                TestClient publisher = clients.add(TestClient.line(port));
                publisher.readUntil(Kind.WELCOME);
                publisher.send("/nick pub" + p);
                publisher.readUntil(line -> line.kind() == Kind.NICK);
                publishers.add(publisher);
                pool.submit(publisher::readUntilClosed); // publishers read too: they are fast consumers
            }
            for (TestClient reader : readers) {
                reader.readUntil(line -> line.kind() == Kind.NICK && line.arg(2).equals("pub" + (PUBLISHERS - 1)));
            }

            AtomicLong maxPending = new AtomicLong();
            List<ServerLine> quits = new java.util.concurrent.CopyOnWriteArrayList<>();
            Phaser rounds = new Phaser(PUBLISHERS + readers.size());
            List<Future<?>> work = new ArrayList<>();
            for (int p = 0; p < PUBLISHERS; p++) {
                TestClient publisher = publishers.get(p);
                work.add(pool.submit(() -> {
                    for (int m = 0; m < MESSAGES; m++) {
                        publisher.send(m + " " + PADDING);
                        if (m % 64 == 0) {
                            maxPending.accumulateAndGet(pendingOfAnyOneClient.getAsLong(), Math::max);
                        }
                        if ((m + 1) % ROUND == 0) {
                            rounds.awaitAdvanceInterruptibly(rounds.arrive(), 30, TimeUnit.SECONDS);
                        }
                    }
                    return null;
                }));
            }
            for (TestClient reader : readers) {
                work.add(pool.submit(() -> {
                    int[] next = new int[PUBLISHERS];
                    for (int got = 0; got < PUBLISHERS * MESSAGES; ) {
                        ServerLine line = reader.read();
                        if (line.kind() == Kind.QUIT) {
                            quits.add(line);
                        }
                        if (line.kind() == Kind.MSG) {
                            int publisher = line.arg(1).charAt(3) - '0';
                            int seq = Integer.parseInt(line.text().substring(0, line.text().indexOf(' ')));
                            assertThat(seq).as("from pub%d", publisher).isEqualTo(next[publisher]++);
                            got++;
                            if (got % (PUBLISHERS * ROUND) == 0) {
                                rounds.awaitAdvanceInterruptibly(rounds.arrive(), 30, TimeUnit.SECONDS);
                            }
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> done : work) {
                done.get();
            }
            assertThat(quits).hasSize(readers.size()).allSatisfy(quit -> {
                assertThat(quit.args()).containsExactly("lobby", "slow");
                assertThat(quit.text()).startsWith("too slow");
            });
            // The check before each frame counts the waiting batch by its content; once written, the batch
            // counts by its capacity, so a queue can pass the hard limit by at most one batch (64 KiB).
            assertThat(maxPending.get()).as("pending bytes of any one client").isLessThanOrEqualTo(HARD + 64 * 1024 + 4096);
            slow.close();
        } finally {
            clients.close();
            pool.shutdownNow();
        }
    }

}
