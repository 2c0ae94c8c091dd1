package dev.relay.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.relay.client.RelayEvent.ChatMessage;
import dev.relay.client.RelayEvent.Connected;
import dev.relay.client.RelayEvent.Disconnected;
import dev.relay.client.RelayEvent.ErrorReply;
import dev.relay.client.RelayEvent.Joined;
import dev.relay.client.RelayEvent.Left;
import dev.relay.client.RelayEvent.PresenceChanged;
import dev.relay.client.RelayEvent.Quit;
import dev.relay.client.RelayEvent.Reconnected;
import dev.relay.client.RelayEvent.WhoList;
import dev.relay.core.chat.ChatLimits;
import dev.relay.core.chat.ErrorCode;
import dev.relay.core.chat.ServerLine;
import dev.relay.core.chat.ServerLine.Kind;
import dev.relay.server.RelayServer;
import dev.relay.server.RelayServerConfig;
import dev.relay.testing.FreezableProxy;
import dev.relay.testing.TestClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** RelayClient in several rooms, arriving as itself, reconnecting under traffic and kept alive by pings. */
@Timeout(60)
class RelayClientRoomsIT {

    private final List<AutoCloseable> open = new ArrayList<>();
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();

    @AfterEach
    void closeAll() throws Exception {
        timer.shutdownNow();
        for (int i = open.size() - 1; i >= 0; i--) {
            open.get(i).close();
        }
    }

    private <T extends AutoCloseable> T track(T closeable) {
        open.add(closeable);
        return closeable;
    }

    private RelayServer server(RelayServerConfig.Builder config) {
        return track(new RelayServer(config.host("127.0.0.1").port(0).build()).start());
    }

    private static RelayClientConfig.Builder config(int port) {
        return RelayClientConfig.builder().host("127.0.0.1").port(port)
                .reconnect(ReconnectPolicy.defaults().withDelays(Duration.ofMillis(50), Duration.ofMillis(500)));
    }

    /** A raw client that arrived as {@code nick} in {@code rooms}, with its own lines read up to its last JOIN. */
    private TestClient arrive(int port, String nick, String... rooms) {
        TestClient client = track(TestClient.line(port));
        client.send("/hello nick=" + nick + " rooms=" + String.join(",", rooms));
        String last = rooms[rooms.length - 1];
        client.readUntil(line -> line.kind() == Kind.JOIN && line.arg(0).equals(last) && line.arg(1).equals(nick));
        return client;
    }

    /** Sends "n" for n = 0, 1, ... every {@code periodMillis} from {@code talker}; returns how many were sent so far. */
    private AtomicInteger talk(TestClient talker, long periodMillis) {
        AtomicInteger sent = new AtomicInteger();
        timer.scheduleAtFixedRate(() -> talker.send(String.valueOf(sent.getAndIncrement())), 0, periodMillis,
                TimeUnit.MILLISECONDS);
        return sent;
    }

    @Test
    void aClientInSeveralRoomsJoinsPartsSwitchesAndSays() throws Exception {
        RelayServer server = server(RelayServerConfig.builder());
        TestClient bob = arrive(server.port(), "bob", "dev", "ops");
        List<RelayEvent> events = new CopyOnWriteArrayList<>();
        RelayClient alice = track(new RelayClient(config(server.port()).nick("alice").rooms("dev", "ops").build(),
                events::add));
        alice.connect().get(10, TimeUnit.SECONDS);
        assertThat(events).first().isEqualTo(new Connected("alice", "dev", List.of("dev", "ops")));
        assertThat(bob.readLine()).isEqualTo("JOIN dev alice");
        assertThat(bob.readLine()).isEqualTo("JOIN ops alice");

        alice.send("to dev").get(10, TimeUnit.SECONDS);
        alice.say("ops", "to ops").get(10, TimeUnit.SECONDS);
        assertThat(bob.readLine()).isEqualTo("MSG dev alice to dev");
        assertThat(bob.readLine()).isEqualTo("MSG ops alice to ops");
        alice.switchTo("#OPS").get(10, TimeUnit.SECONDS);
        assertThat(alice.room()).isEqualTo("ops");
        alice.send("now ops").get(10, TimeUnit.SECONDS);
        assertThat(bob.readLine()).isEqualTo("MSG ops alice now ops");

        alice.join("lobby").get(10, TimeUnit.SECONDS);
        assertThat(alice.rooms()).containsExactly("dev", "ops", "lobby");
        assertThat(alice.room()).isEqualTo("lobby");
        alice.part("ops").get(10, TimeUnit.SECONDS);
        assertThat(bob.readLine()).isEqualTo("LEAVE ops alice");
        assertThat(alice.rooms()).containsExactly("dev", "lobby");
        assertThat(alice.room()).as("parting another room keeps the current one").isEqualTo("lobby");

        bob.send("/say dev hi alice");
        await().atMost(Duration.ofSeconds(10)).until(() -> events.contains(new ChatMessage("dev", "bob", "hi alice")));
        assertThat(alice.say("ops", "not there").get(10, TimeUnit.SECONDS)).isNull();
        await().atMost(Duration.ofSeconds(10)).until(() -> events.stream().anyMatch(event ->
                event instanceof ErrorReply error && error.code() == ErrorCode.NOT_IN_ROOM));
        assertThat(alice.part("lobby").thenCompose(ok -> alice.part("dev")).handle((ok, failure) -> failure)
                .get(10, TimeUnit.SECONDS)).hasMessageContaining("only room");
    }

    @Test
    void aClientKnowsWhichOfItsRoomsAreQuietAndIsToldWhenOneIsAnnouncedAgain() throws Exception {
        // quiet at 3 members, announced again at 1
        RelayServer server = server(RelayServerConfig.builder().chatLimits(ChatLimits.DEFAULTS.withPresenceLimit(2)));
        TestClient bob = arrive(server.port(), "bob", "big", "small");
        TestClient carol = arrive(server.port(), "carol", "big");
        TestClient dave = arrive(server.port(), "dave", "big");
        EventRecorder events = new EventRecorder();
        RelayClient alice = track(new RelayClient(config(server.port()).nick("alice").rooms("small", "big").build(),
                events));
        alice.connect().get(10, TimeUnit.SECONDS);
        assertThat(alice.quietRooms()).as("known when connect() completes").containsExactly("big");
        assertThat(events.await(Connected.class)).isEqualTo(new Connected("alice", "small", List.of("small", "big")));
        assertThat(events.await(PresenceChanged.class)).as("told after Connected, not hidden in setup")
                .isEqualTo(new PresenceChanged("big", true, 4));

        carol.close();
        dave.close();
        bob.send("/part big");
        assertThat(events.await(PresenceChanged.class)).isEqualTo(new PresenceChanged("big", false, 1));
        assertThat(events.seen).as("no QUIT or LEAVE from the quiet room")
                .noneMatch(event -> event instanceof Quit || event instanceof Left);
        assertThat(alice.quietRooms()).isEmpty();
        alice.command("/who big").get(10, TimeUnit.SECONDS);
        assertThat(events.await(WhoList.class)).isEqualTo(new WhoList("big", List.of("alice")));

        arrive(server.port(), "erin", "big");
        arrive(server.port(), "frank", "big");
        assertThat(events.await(Joined.class)).isEqualTo(new Joined("big", "erin"));
        assertThat(events.await(Joined.class)).as("the arrival that makes it quiet is still told")
                .isEqualTo(new Joined("big", "frank"));
        assertThat(events.await(PresenceChanged.class)).isEqualTo(new PresenceChanged("big", true, 3));
        assertThat(alice.quietRooms()).containsExactly("big");
        alice.part("big").get(10, TimeUnit.SECONDS);
        assertThat(alice.quietRooms()).as("only rooms this client is in").isEmpty();
        assertThat(events.await(Left.class)).isEqualTo(new Left("big", "alice"));
    }

    @Test
    void aReconnectUnderTrafficShowsTheRoomsOnlyTheQuitAndTheJoinOfTheSameNick() throws Exception {
        RelayServer server = server(RelayServerConfig.builder());
        TestClient talker = arrive(server.port(), "talker", "busy");
        TestClient witness = arrive(server.port(), "witness", "quiet");
        FreezableProxy proxy = track(new FreezableProxy(server.port()));
        List<RelayEvent> events = new CopyOnWriteArrayList<>();
        RelayClient alice = track(new RelayClient(config(proxy.port()).nick("alice").rooms("busy", "quiet").build(),
                events::add));
        alice.connect().get(10, TimeUnit.SECONDS);
        assertThat(witness.readLine()).isEqualTo("JOIN quiet alice");
        AtomicInteger sent = talk(talker, 5);
        await().atMost(Duration.ofSeconds(10)).until(() -> events.stream().anyMatch(ChatMessage.class::isInstance));

        proxy.cut();
        await().atMost(Duration.ofSeconds(10)).until(() -> events.stream().anyMatch(Reconnected.class::isInstance));
        assertThat(events).filteredOn(Reconnected.class::isInstance).singleElement()
                .isEqualTo(new Reconnected("alice", "busy", List.of("busy", "quiet")));
        assertThat(witness.readLine()).isEqualTo("QUIT quiet alice connection closed");
        assertThat(witness.readLine()).isEqualTo("JOIN quiet alice");
        assertThat(witness.sync()).as("no guest, no rename, nothing else").isEmpty();
        int after = sent.get() + 10;
        await().atMost(Duration.ofSeconds(10)).until(() -> events.stream().anyMatch(event ->
                event instanceof ChatMessage m && m.room().equals("busy") && Integer.parseInt(m.text()) > after));
        assertThat(events).noneMatch(event -> event instanceof ErrorReply);
    }

    @Test
    void aClientThatOnlyListensIsNeverIdleClosedAndLosesNothing() throws Exception {
        RelayServer server = server(RelayServerConfig.builder().idleTimeout(Duration.ofMillis(1000)));
        TestClient talker = arrive(server.port(), "talker", "busy");
        List<RelayEvent> events = new CopyOnWriteArrayList<>();
        RelayClient listener = track(new RelayClient(config(server.port()).nick("listener").room("busy").build(),
                events::add));
        listener.connect().get(10, TimeUnit.SECONDS);
        assertThat(listener.serverParams()).containsEntry("idle-timeout-ms", "1000");
        talker.readUntil(line -> line.kind() == Kind.JOIN && line.arg(1).equals("listener"));

        AtomicInteger sent = talk(talker, 20); // a busy room for 10 s: the listener hears plenty, says nothing
        await().atMost(Duration.ofSeconds(30)).until(() -> sent.get() >= 500);
        timer.shutdown();
        assertThat(timer.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
        int total = sent.get();
        await().atMost(Duration.ofSeconds(10)).until(() -> events.stream().filter(ChatMessage.class::isInstance).count() == total);

        List<String> heard = events.stream().filter(ChatMessage.class::isInstance).map(e -> ((ChatMessage) e).text()).toList();
        List<String> expected = new ArrayList<>();
        for (int i = 0; i < total; i++) {
            expected.add(String.valueOf(i));
        }
        assertThat(heard).as("every message, in order, once").isEqualTo(expected);
        assertThat(events).noneMatch(event -> event instanceof Disconnected || event instanceof RelayEvent.Bye);
        assertThat(listener.isConnected()).isTrue();
    }

    @Test
    void withoutItsKeepAliveAListenerWouldBeIdleClosed() {
        // The control for the test above: the same server and room, a raw listener that never sends.
        RelayServer server = server(RelayServerConfig.builder().idleTimeout(Duration.ofMillis(1000)));
        TestClient talker = arrive(server.port(), "talker", "busy");
        TestClient silent = arrive(server.port(), "silent", "busy");
        talk(talker, 20);
        ServerLine bye = silent.readUntil(Kind.BYE);
        assertThat(bye.text()).contains("idle");
    }
}
