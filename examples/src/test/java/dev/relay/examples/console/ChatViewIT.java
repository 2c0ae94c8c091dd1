package dev.relay.examples.console;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.relay.client.RelayClient;
import dev.relay.client.RelayClientConfig;
import dev.relay.core.chat.ChatLimits;
import dev.relay.core.chat.ServerLine.Kind;
import dev.relay.server.RelayServer;
import dev.relay.server.RelayServerConfig;
import dev.relay.testing.TestClient;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.jline.utils.AttributedString;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The console's view and roster in a big room, in this JVM: a real server (presence limit 3: quiet at
 * 4 members, announced again at 2), a RelayClient with the console's ChatView, and raw sockets for the
 * others. What Tab completes must stay right while others' arrivals are not told.
 */
@Timeout(60)
class ChatViewIT {

    private static final Duration WAIT = Duration.ofSeconds(10);

    private final List<AutoCloseable> open = new ArrayList<>();
    private final List<String> printed = new CopyOnWriteArrayList<>();
    private final Roster roster = new Roster();

    @AfterEach
    void closeAll() throws Exception {
        for (int i = open.size() - 1; i >= 0; i--) {
            open.get(i).close();
        }
    }

    /** A screen that keeps what is printed, as plain text. */
    private final Screen screen = new Screen() {
        @Override
        public void print(AttributedString line) {
            printed.add(line.toString());
        }

        @Override
        public void bell() {
        }

        @Override
        public void prompt(String prompt) {
        }

        @Override
        public @Nullable String readLine() {
            return null;
        }

        @Override
        public void close() {
        }
    };

    private TestClient arrive(int port, String nick) {
        TestClient client = TestClient.line(port);
        open.add(client);
        client.send("/hello nick=" + nick + " rooms=big");
        client.readUntil(line -> line.kind() == Kind.JOIN && line.arg(1).equals(nick));
        return client;
    }

    private void awaitPrinted(String text) {
        await().atMost(WAIT).untilAsserted(() -> assertThat(printed).anyMatch(line -> line.contains(text)));
    }

    @Test
    void inAQuietRoomTheRosterLearnsFromWhoSpeaksAndIsRefilledWhenTheRoomIsAnnouncedAgain() throws Exception {
        RelayServer server = new RelayServer(RelayServerConfig.builder().host("127.0.0.1").port(0)
                .chatLimits(ChatLimits.DEFAULTS.withPresenceLimit(3)).build()).start();
        open.add(server);
        TestClient bob = arrive(server.port(), "bob");
        TestClient carol = arrive(server.port(), "carol");
        ChatView view = new ChatView(screen, new EventFormatter(Clock.fixed(Instant.EPOCH, ZoneOffset.UTC), "server"),
                roster, reason -> { });
        RelayClient client = new RelayClient(RelayClientConfig.builder().host("127.0.0.1").port(server.port())
                .nick("alice").room("big").build(), view);
        open.add(client);
        view.attach(client);
        client.connect().get(10, TimeUnit.SECONDS);
        await().atMost(WAIT).until(() -> roster.nicks().equals(List.of("alice", "bob", "carol")));

        TestClient dave = arrive(server.port(), "dave"); // the fourth: told, and then the room is quiet
        awaitPrinted("00:00:00 [#big] -- 4 people here: arrivals, departures and renames are no longer shown "
                + "(/who lists everyone)");
        assertThat(printed).contains("00:00:00 [#big] -- dave joined");
        TestClient erin = arrive(server.port(), "erin");
        erin.send("hi, I came in quietly");
        awaitPrinted("<erin> hi, I came in quietly");
        assertThat(roster.nicks()).as("learnt from her line").containsExactly("alice", "bob", "carol", "dave", "erin");
        assertThat(printed).noneMatch(line -> line.contains("erin joined"));

        erin.close();
        dave.close();
        carol.close(); // down to 2: announced again
        awaitPrinted("00:00:00 [#big] -- down to 2 people: arrivals, departures and renames are shown again");
        await().atMost(WAIT).until(() -> roster.nicks().equals(List.of("alice", "bob")));
        assertThat(printed).as("the roster's own /who is not shown; the quits were never told")
                .noneMatch(line -> line.contains("-- in #big")).noneMatch(line -> line.contains(" quit ("));

        TestClient frank = arrive(server.port(), "frank");
        awaitPrinted("[#big] -- frank joined");
        assertThat(roster.nicks()).containsExactly("alice", "bob", "frank");
        bob.sync();
        frank.sync();
    }
}
