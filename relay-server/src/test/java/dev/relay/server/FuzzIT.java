package dev.relay.server;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.relay.core.chat.ServerLine;
import dev.relay.core.chat.ServerLine.Kind;
import dev.relay.testing.TestClient;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.slf4j.LoggerFactory;

/**
 * Hostile traffic against a live server while two people chat: thousands of random byte chunks,
 * valid lines split at random points (down to single bytes), a half-closed socket, connections that
 * say nothing. The pair lose nothing, and the server logs nothing at WARN or above.
 */
@Timeout(120)
class FuzzIT {

    private static final int ROUNDS = 300;

    @Test
    void garbageAndOddSocketsCostAPairOfChattersNothing() throws Exception {
        Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        ListAppender<ILoggingEvent> logged = new ListAppender<>();
        logged.start();
        root.addAppender(logged);
        ExecutorService pool = Executors.newFixedThreadPool(4);
        List<Socket> odd = new ArrayList<>();
        try (RelayServer server = new RelayServer(RelayServerConfig.builder().host("127.0.0.1").port(0)
                .maxFrameLength(1024).build()).start();
                TestClient alice = TestClient.line(server.port());
                TestClient bob = TestClient.line(server.port())) {
            alice.readUntil(Kind.WELCOME);
            alice.send("/nick alice");
            alice.readUntil(Kind.NICK);
            bob.readUntil(Kind.WELCOME);
            bob.send("/nick bob");
            bob.readUntil(line -> line.kind() == Kind.NICK && line.arg(2).equals("bob"));
            alice.readUntil(line -> line.kind() == Kind.NICK && line.arg(2).equals("bob"));

            for (int i = 0; i < 5; i++) { // connect and say nothing
                odd.add(new Socket("127.0.0.1", server.port()));
            }
            Socket halfClosed = new Socket("127.0.0.1", server.port());
            halfClosed.getOutputStream().write("half a li".getBytes(StandardCharsets.UTF_8));
            halfClosed.shutdownOutput();
            odd.add(halfClosed);

            List<Future<?>> fuzzers = new ArrayList<>();
            for (int f = 0; f < 2; f++) {
                long seed = 1000 + f;
                fuzzers.add(pool.submit(() -> {
                    fuzz(server.port(), new Random(seed));
                    return null;
                }));
            }
            fuzzers.add(pool.submit(() -> {
                splitLines(server.port(), new Random(7));
                return null;
            }));

            for (int round = 0; round < ROUNDS; round++) {
                alice.send("a" + round);
                bob.send("b" + round);
                assertThat(bob.readUntil(line -> isFrom(line, "alice")).text()).isEqualTo("a" + round);
                assertThat(alice.readUntil(line -> isFrom(line, "bob")).text()).isEqualTo("b" + round);
            }
            for (Future<?> fuzzer : fuzzers) {
                fuzzer.get();
            }
            alice.send("/who");
            assertThat(alice.readUntil(Kind.WHO).text()).contains("alice", "bob");
        } finally {
            for (Socket socket : odd) {
                socket.close();
            }
            pool.shutdownNow();
            root.detachAppender(logged);
        }
        assertThat(logged.list).filteredOn(event -> event.getLevel().isGreaterOrEqual(Level.WARN))
                .extracting(ILoggingEvent::getFormattedMessage).isEmpty();
    }

    private static boolean isFrom(ServerLine line, String nick) {
        return line.kind() == Kind.MSG && line.arg(1).equals(nick);
    }

    /** Random bytes in random-sized chunks, then an abrupt close; reconnects a few times. */
    private static void fuzz(int port, Random random) throws IOException {
        for (int connection = 0; connection < 5; connection++) {
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress("127.0.0.1", port));
                socket.setSoLinger(true, 0); // close with a reset, the rudest way out
                OutputStream out = socket.getOutputStream();
                for (int chunk = 0; chunk < 400; chunk++) {
                    byte[] junk = new byte[1 + random.nextInt(3000)];
                    random.nextBytes(junk);
                    try {
                        out.write(junk);
                    } catch (IOException closed) {
                        break; // the server may close us (rate limit, slow reader): fine
                    }
                }
            }
        }
    }

    /** Valid lines cut at random points, down to one byte per write. */
    private static void splitLines(int port, Random random) throws IOException {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setTcpNoDelay(true);
            OutputStream out = socket.getOutputStream();
            byte[] stream = "/nick splitter\n/join splits\nsplit line ✓ with ünïcode\n".repeat(100)
                    .getBytes(StandardCharsets.UTF_8);
            for (int pos = 0; pos < stream.length; ) {
                int n = Math.min(stream.length - pos, random.nextInt(8) == 0 ? 1 + random.nextInt(64) : 1);
                out.write(stream, pos, n);
                out.flush();
                pos += n;
            }
        }
    }
}
