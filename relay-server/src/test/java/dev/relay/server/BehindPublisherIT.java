package dev.relay.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.relay.core.chat.ServerLine;
import dev.relay.core.chat.ServerLine.Kind;
import dev.relay.testing.Clients;
import dev.relay.testing.TestClient;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A publisher whose room talks faster than it reads, against the jar: it reads steadily, under 1.6 MB/s,
 * and says something every 320 lines, while another member floods the room with 16 MB in big writes.
 * For seconds it is MBs behind and its output stays over the high water mark, so its
 * own lines wait at the read gate (backpressure on a sender that is behind). But it reads far more than
 * a soft limit (256 KiB here) per grace period (the default 5 s): it must not be cut, neither as a slow
 * reader nor as a client that does not read its own replies. It was cut as the latter once the gate
 * had been closed for the grace period, reading or not: a publisher disconnected in relay-bench's 10 → 100 run
 * with the window over all subscribers.
 */
@Timeout(120)
class BehindPublisherIT {

    // 16 MB: more than the kernel's buffers for it (4 MB here) for longer than the grace period at this pace
    private static final int FLOOD = 16_000;
    private static final String PADDING = "f".repeat(1000);
    private static final int OWN_EVERY = 320;
    /** The publisher reads this many lines (some 64 KB), then pauses 40 ms: under 1.6 MB/s. */
    private static final int LINES_PER_PAUSE = 64;
    private static final int OWN = FLOOD / OWN_EVERY;

    @Test
    void aPublisherBehindOnItsRoomButReadingIsNeverCut() throws Exception {
        ExecutorService pool = Executors.newCachedThreadPool();
        Clients clients = new Clients();
        AtomicInteger read = new AtomicInteger();
        long t0 = System.nanoTime();
        try (JarServer jar = JarServer.start(List.of("-Xmx256m"), "--rate", "0", "--max-pending-bytes", "262144")) {
          try {
            int port = jar.port();
            TestClient flooder = clients.add(TestClient.line(port));
            flooder.readUntil(Kind.WELCOME);
            flooder.send("/nick flooder");
            flooder.readUntil(Kind.NICK);
            TestClient publisher = clients.add(TestClient.line(port, 64 * 1024));
            publisher.readUntil(Kind.WELCOME);
            publisher.send("/nick publisher");
            publisher.readUntil(Kind.NICK);
            flooder.readUntil(line -> line.kind() == Kind.NICK && line.arg(2).equals("publisher"));

            Future<Integer> flooderHeard = pool.submit(() -> { // the flooder reads all it gets
                int next = 0;
                while (next < OWN) {
                    ServerLine line = flooder.read();
                    if (line.kind() == Kind.MSG && line.arg(1).equals("publisher")) {
                        assertThat(line.text()).isEqualTo("own " + next);
                        next++;
                    }
                }
                return next;
            });
            Future<Integer> readWhenFlooded = pool.submit(() -> { // in writes of 1,000 lines: faster than it is read
                StringBuilder lines = new StringBuilder();
                for (int m = 0; m < FLOOD; m++) {
                    lines.append(m).append(' ').append(PADDING).append('\n');
                    if (m % 1000 == 999) {
                        flooder.sendRaw(lines.toString().getBytes(StandardCharsets.UTF_8));
                        lines.setLength(0);
                    }
                }
                return read.get();
            });

            for (int next = 0, own = 0; next < FLOOD; ) {
                ServerLine line = publisher.read();
                assertThat(line.kind()).as("never cut: %s", line).isNotIn(Kind.BYE, Kind.ERR);
                if (line.kind() == Kind.MSG && line.arg(1).equals("flooder")) {
                    int seq = Integer.parseInt(line.text().substring(0, line.text().indexOf(' ')));
                    assertThat(seq).as("in order, none missing").isEqualTo(next++);
                    read.set(next);
                    if (next % OWN_EVERY == 0) {
                        publisher.send("own " + own++); // it talks while it is behind
                    }
                    if (next % LINES_PER_PAUSE == 0) {
                        LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(40)); // steady, not fast
                    }
                }
            }
            assertThat(FLOOD - readWhenFlooded.get(30, TimeUnit.SECONDS))
                    .as("the publisher was more than 10 MB behind when the flood was all sent, more than the"
                            + " kernel's buffers hold").isGreaterThan(10_000);
            assertThat(flooderHeard.get(30, TimeUnit.SECONDS)).as("all the publisher's own lines went out")
                    .isEqualTo(OWN);
          } catch (Throwable e) {
            throw new AssertionError("the publisher had read " + read.get() + " of the flood's lines after "
                    + (System.nanoTime() - t0) / 1_000_000 + " ms; the server's log: "
                    + String.join("\n", jar.log()), e);
          }
        } finally {
            clients.close();
            pool.shutdownNow();
        }
    }
}
