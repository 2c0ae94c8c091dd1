package dev.relay.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.relay.core.chat.ServerLine;
import dev.relay.core.chat.ServerLine.Kind;
import dev.relay.core.codec.Framing;
import dev.relay.testing.TestClient;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.Timeout;

/** People chatting through a real server over real sockets, the way {@code nc} users do. */
@Timeout(60)
class ChatIT {

    @RegisterExtension
    final Opened opened = new Opened();
    private RelayServer server;

    private RelayServer start(RelayServerConfig.Builder config) {
        server = opened.server(config);
        return server;
    }

    private RelayServer start() {
        return start(RelayServerConfig.builder());
    }

    /**
     * A client named {@code nick} in the lobby. Returns once it and every witness (clients already in
     * the lobby) have read the announcement of its nick, so none of them has presence left to read.
     */
    private TestClient connect(String nick, TestClient... witnesses) {
        TestClient client = TestClient.line(server.port());
        opened.add(client);
        client.readUntil(Kind.WELCOME);
        client.send("/nick " + nick);
        client.readUntil(line -> isNickOf(line, nick));
        for (TestClient witness : witnesses) {
            witness.readUntil(line -> isNickOf(line, nick));
        }
        return client;
    }

    private static boolean isNickOf(ServerLine line, String nick) {
        return line.kind() == Kind.NICK && line.arg(2).equals(nick);
    }

    @Test
    void threeClientsChatAndTheSenderGetsNoEcho() {
        start();
        TestClient alice = connect("alice");
        TestClient bob = connect("bob", alice);
        TestClient carol = connect("carol", alice, bob);

        alice.send("hello everyone ✓");
        assertThat(bob.readLine()).isEqualTo("MSG lobby alice hello everyone ✓");
        assertThat(carol.readLine()).isEqualTo("MSG lobby alice hello everyone ✓");
        assertThat(alice.sync()).as("no echo").isEmpty();

        bob.send("hi alice");
        assertThat(alice.readLine()).isEqualTo("MSG lobby bob hi alice");
        assertThat(carol.readLine()).isEqualTo("MSG lobby bob hi alice");
        assertThat(bob.sync()).isEmpty();
    }

    @Test
    void aClientArrivesAsItselfInSeveralRoomsAndASilentOneBecomesAGuest() {
        start();
        TestClient carol = TestClient.line(server.port());
        opened.add(carol);
        carol.send("/hello nick=carol rooms=dev,ops");
        assertThat(carol.read().args()).containsExactly("carol", "dev");
        assertThat(carol.read().kind()).isEqualTo(Kind.SERVER);
        assertThat(carol.readLine()).isEqualTo("JOIN dev carol");
        assertThat(carol.readLine()).isEqualTo("JOIN ops carol");

        long before = System.nanoTime();
        TestClient silent = TestClient.line(server.port());
        opened.add(silent);
        ServerLine welcome = silent.read();
        assertThat(welcome.kind()).isEqualTo(Kind.WELCOME);
        assertThat(java.time.Duration.ofNanos(System.nanoTime() - before))
                .as("welcomed once the arrival window is over").isGreaterThanOrEqualTo(
                        dev.relay.core.chat.ChatLimits.DEFAULT_ARRIVAL_WINDOW);
        assertThat(welcome.arg(1)).isEqualTo("lobby");

        TestClient taken = TestClient.line(server.port());
        opened.add(taken);
        taken.send("/hello nick=Carol rooms=ops");
        assertThat(taken.readLine()).isEqualTo("ERR nick-taken The nick Carol is taken");
        taken.send("/hello nick=dave rooms=ops");
        assertThat(taken.read().args()).containsExactly("dave", "ops");
        assertThat(carol.readLine()).as("ops heard nothing of the refused arrival").isEqualTo("JOIN ops dave");

        carol.send("/switch ops");
        carol.send("in ops");
        assertThat(taken.readUntil(Kind.MSG)).hasToString("MSG ops carol in ops");
        carol.close();
        assertThat(taken.readLine()).isEqualTo("QUIT ops carol connection closed");
    }

    @Test
    void roomsAreIsolated() {
        start();
        TestClient alice = connect("alice");
        TestClient bob = connect("bob", alice);
        TestClient carol = connect("carol", alice, bob);
        carol.send("/join #Dev");
        carol.send("/part lobby");
        for (TestClient client : List.of(alice, bob)) {
            assertThat(client.readUntil(Kind.LEAVE)).hasToString("LEAVE lobby carol");
        }
        assertThat(carol.readLine()).isEqualTo("JOIN dev carol");
        assertThat(carol.readLine()).isEqualTo("CURRENT dev");
        assertThat(carol.readLine()).isEqualTo("LEAVE lobby carol");

        alice.send("for the lobby");
        carol.send("for dev");
        assertThat(bob.readLine()).isEqualTo("MSG lobby alice for the lobby");
        assertThat(alice.sync()).isEmpty();
        assertThat(carol.sync()).isEmpty();
        assertThat(bob.sync()).isEmpty();

        TestClient dave = connect("dave", alice, bob);
        dave.send("/join dev");
        carol.readUntil(Kind.JOIN);
        dave.readUntil(line -> line.kind() == Kind.CURRENT && line.arg(0).equals("dev"));
        carol.send("dev only");
        assertThat(dave.readLine()).isEqualTo("MSG dev carol dev only");
        carol.send("/quit");
        assertThat(carol.readUntilClosed()).noneMatch(line -> line.startsWith("MSG lobby"));
    }

    @Test
    void nickConflictsAreRefused() {
        start();
        TestClient alice = connect("alice");
        TestClient bob = connect("bob", alice);
        bob.send("/nick Alice");
        assertThat(bob.readLine()).isEqualTo("ERR nick-taken The nick Alice is taken");
        bob.send("talking as bob");
        assertThat(alice.readLine()).isEqualTo("MSG lobby bob talking as bob");
    }

    @Test
    void aPrivateMessageReachesOnlyItsTarget() {
        start();
        TestClient alice = connect("alice");
        TestClient bob = connect("bob", alice);
        TestClient carol = connect("carol", alice, bob);
        alice.send("/msg carol just between us");
        assertThat(carol.readLine()).isEqualTo("PRIV alice just between us");
        assertThat(alice.sync()).isEmpty();
        assertThat(bob.sync()).isEmpty();
        bob.send("/msg nobody hello?");
        assertThat(bob.readLine()).isEqualTo("ERR no-such-nick No one here is called nobody");
    }

    @Test
    void presenceIsAnnouncedOnJoinLeaveNickAndAbruptDisconnect() {
        start();
        TestClient alice = connect("alice");
        TestClient bob = TestClient.line(server.port());
        opened.add(bob);
        String guest = bob.read().arg(0);
        assertThat(alice.sync()).as("a silent guest is heard of with its first line (PROTOCOL.md, \"Silent guests\")")
                .isEmpty();
        bob.send("/nick bob");
        assertThat(alice.readLine()).isEqualTo("JOIN lobby " + guest);
        assertThat(alice.readLine()).isEqualTo("NICK lobby " + guest + " bob");
        bob.send("/join dev");
        bob.send("/part lobby");
        assertThat(alice.readLine()).isEqualTo("LEAVE lobby bob");
        bob.send("/join lobby");
        assertThat(alice.readLine()).isEqualTo("JOIN lobby bob");
        bob.close();
        assertThat(alice.readLine()).isEqualTo("QUIT lobby bob connection closed");
    }

    @Test
    void aMegabyteLineGetsAnErrorAndTheNextLineStillWorks() {
        start();
        TestClient alice = connect("alice");
        TestClient bob = connect("bob", alice);
        byte[] huge = new byte[1024 * 1024 + 1];
        Arrays.fill(huge, (byte) 'x');
        huge[huge.length - 1] = '\n';
        alice.sendRaw(huge);
        assertThat(alice.readLine()).isEqualTo("ERR too-long Frame longer than 8192 bytes discarded; the connection goes on");
        bob.send("did that hurt?");
        assertThat(alice.readLine()).isEqualTo("MSG lobby bob did that hurt?");
        alice.send("not at all");
        assertThat(bob.readLine()).isEqualTo("MSG lobby alice not at all");
        assertThat(alice.sync()).isEmpty();
    }

    @Test
    void randomBytesFromOneClientCostTheOthersNothing() {
        start();
        TestClient alice = connect("alice");
        TestClient bob = connect("bob", alice);
        TestClient mallory = connect("mallory", alice, bob);
        mallory.send("/join noise");
        mallory.send("/part lobby");
        bob.readUntil(Kind.LEAVE);
        Random random = new Random(42);
        for (int round = 0; round < 20; round++) {
            byte[] junk = new byte[4096];
            random.nextBytes(junk);
            mallory.sendRaw(junk);
            alice.send("round " + round);
            assertThat(bob.readUntil(Kind.MSG)).isEqualTo(ServerLine.parse("MSG lobby alice round " + round));
        }
        mallory.close();
        assertThat(bob.sync()).allMatch(line -> line.kind() != Kind.MSG);
        assertThat(server.connectionCount()).isGreaterThanOrEqualTo(2);
    }

    @Test
    void lengthFramingWorksEndToEnd() {
        start(RelayServerConfig.builder().framing(Framing.LENGTH).maxFrameLength(1024));
        TestClient alice = TestClient.length(server.port());
        opened.add(alice);
        assertThat(alice.read().kind()).isEqualTo(Kind.WELCOME);
        TestClient bob = TestClient.length(server.port()); // after alice is in, so alice sees bob join
        opened.add(bob);
        String bobNick = bob.readUntil(Kind.WELCOME).arg(0);
        bob.send("/ping"); // its first line: until then a silent guest, unannounced
        alice.readUntil(line -> line.kind() == Kind.JOIN && line.arg(1).equals(bobNick));
        alice.send("/nick alice");
        alice.readUntil(Kind.NICK);
        bob.readUntil(Kind.NICK);

        alice.send("multi\nline ✓");
        assertThat(bob.readLine()).isEqualTo("MSG lobby alice multi line ✓");

        byte[] payload = new byte[2000];
        Arrays.fill(payload, (byte) 'y');
        byte[] frame = new byte[4 + payload.length];
        frame[2] = (byte) (payload.length >>> 8);
        frame[3] = (byte) payload.length;
        System.arraycopy(payload, 0, frame, 4, payload.length);
        byte[] next = "after".getBytes(StandardCharsets.UTF_8);
        byte[] both = Arrays.copyOf(frame, frame.length + 4 + next.length);
        both[frame.length + 3] = (byte) next.length;
        System.arraycopy(next, 0, both, frame.length + 4, next.length);
        alice.sendRaw(both);
        assertThat(alice.readLine()).isEqualTo("ERR too-long Frame longer than 1024 bytes discarded; the connection goes on");
        assertThat(bob.readLine()).isEqualTo("MSG lobby alice after");
    }
}
