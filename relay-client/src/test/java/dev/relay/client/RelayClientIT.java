package dev.relay.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.relay.client.RelayEvent.Action;
import dev.relay.client.RelayEvent.ChatMessage;
import dev.relay.client.RelayEvent.Connected;
import dev.relay.client.RelayEvent.CurrentRoom;
import dev.relay.client.RelayEvent.Disconnected;
import dev.relay.client.RelayEvent.ErrorReply;
import dev.relay.client.RelayEvent.Joined;
import dev.relay.client.RelayEvent.Left;
import dev.relay.client.RelayEvent.NickChanged;
import dev.relay.client.RelayEvent.Notice;
import dev.relay.client.RelayEvent.PrivateMessage;
import dev.relay.client.RelayEvent.ProtocolError;
import dev.relay.client.RelayEvent.Quit;
import dev.relay.client.RelayEvent.Reconnected;
import dev.relay.client.RelayEvent.RoomInfo;
import dev.relay.client.RelayEvent.RoomList;
import dev.relay.client.RelayEvent.WhoList;
import dev.relay.core.chat.ChatHandler;
import dev.relay.core.chat.ErrorCode;
import dev.relay.core.chat.LocalDelivery;
import dev.relay.core.chat.ServerLine;
import dev.relay.core.chat.ServerLine.Kind;
import dev.relay.core.codec.Framing;
import dev.relay.server.RelayServer;
import dev.relay.server.RelayServerConfig;
import dev.relay.testing.FreezableProxy;
import dev.relay.testing.TestClient;
import io.netty.channel.DefaultChannelId;
import io.netty.channel.embedded.EmbeddedChannel;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(60)
class RelayClientIT {

    private final List<AutoCloseable> open = new ArrayList<>();

    @AfterEach
    void closeAll() throws Exception {
        for (int i = open.size() - 1; i >= 0; i--) {
            open.get(i).close();
        }
    }

    private <T extends AutoCloseable> T track(T closeable) {
        open.add(closeable);
        return closeable;
    }

    private RelayServer server(int port) {
        return track(new RelayServer(RelayServerConfig.builder().host("127.0.0.1").port(port).build()).start());
    }

    private static RelayClientConfig.Builder config(int port) {
        return RelayClientConfig.builder().host("127.0.0.1").port(port)
                .reconnect(ReconnectPolicy.defaults().withDelays(Duration.ofMillis(50), Duration.ofMillis(500)));
    }

    private RelayClient client(RelayClientConfig config, RelayListener listener) throws Exception {
        RelayClient client = track(new RelayClient(config, listener));
        client.connect().get(10, TimeUnit.SECONDS);
        return client;
    }

    private static <T> Throwable failureOf(CompletableFuture<T> future) {
        assertThatThrownBy(() -> future.get(10, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class);
        Throwable failure = future.handle((ok, error) -> error).join();
        return failure instanceof java.util.concurrent.CompletionException && failure.getCause() != null
                ? failure.getCause() : failure;
    }

    @Test
    void everyServerLineKindBecomesATypedEvent() throws Exception {
        RelayServer server = server(0);
        EventRecorder alice = new EventRecorder();
        RelayClient client = client(config(server.port()).nick("alice").build(), alice);
        assertThat(alice.await(Connected.class)).isEqualTo(new Connected("alice", "lobby", List.of("lobby")));
        assertThat(client.nick()).isEqualTo("alice");

        TestClient bob = track(TestClient.line(server.port()));
        String guest = bob.read().arg(0);
        bob.send("/nick bob"); // its first line: the room hears the silent guest join, then its new nick
        assertThat(alice.await(Joined.class)).isEqualTo(new Joined("lobby", guest));
        assertThat(alice.await(NickChanged.class)).isEqualTo(new NickChanged("lobby", guest, "bob"));
        bob.send("hello alice");
        assertThat(alice.await(ChatMessage.class)).isEqualTo(new ChatMessage("lobby", "bob", "hello alice"));
        bob.send("/me waves");
        assertThat(alice.await(Action.class)).isEqualTo(new Action("lobby", "bob", "waves"));
        bob.send("/msg alice psst");
        assertThat(alice.await(PrivateMessage.class)).isEqualTo(new PrivateMessage("bob", "psst"));

        client.command("/rooms").get(10, TimeUnit.SECONDS);
        assertThat(alice.arrived(RoomList.class).rooms()).as("before the command completed")
                .containsExactly(new RoomInfo("lobby", 2));
        client.command("/who").get(10, TimeUnit.SECONDS);
        assertThat(alice.arrived(WhoList.class)).isEqualTo(new WhoList("lobby", List.of("alice", "bob")));
        client.command("/help").get(10, TimeUnit.SECONDS);
        assertThat(alice.await(Notice.class).text()).contains("Commands");

        Throwable refused = failureOf(client.nick("Bob"));
        assertThat(refused).isInstanceOf(RelayClientException.class).hasMessageContaining("taken");
        assertThat(((RelayClientException) refused).errorCode()).isEqualTo(ErrorCode.NICK_TAKEN);
        assertThat(alice.await(ErrorReply.class).code()).isEqualTo(ErrorCode.NICK_TAKEN);
        assertThat(failureOf(client.privateMessage("nobody", "hi")))
                .hasMessageContaining("No one here is called nobody");

        bob.send("/join dev");
        bob.send("/part lobby");
        assertThat(alice.await(Left.class)).isEqualTo(new Left("lobby", "bob"));
        client.join("#Dev").get(10, TimeUnit.SECONDS);
        assertThat(alice.await(CurrentRoom.class)).isEqualTo(new CurrentRoom("dev"));
        assertThat(client.room()).isEqualTo("dev");
        assertThat(client.rooms()).containsExactly("lobby", "dev");
        bob.close();
        assertThat(alice.await(Quit.class)).isEqualTo(new Quit("dev", "bob", "connection closed"));

    }

    @Test
    void whoOfARoomOf5000MembersComesInBoundedLinesAndAsOneWhoList() throws Exception {
        RelayServer server = server(0);
        // 5,000 members without sockets: channels with a chat handler on the server's own registries
        ChatHandler chat = new ChatHandler(server.rooms(), server.sessions(),
                new LocalDelivery(server.rooms(), server.sessions()), "big",
                dev.relay.core.chat.ChatLimits.DEFAULTS.withArrivalWindow(Duration.ZERO));
        List<EmbeddedChannel> members = new ArrayList<>();
        track(() -> members.forEach(member -> {
            member.attr(ChatHandler.QUIET_CLOSE).set(true);
            member.finishAndReleaseAll();
        }));
        for (int i = 0; i < 5000; i++) {
            members.add(new EmbeddedChannel(DefaultChannelId.newInstance(), dev.relay.core.chat.ChatLineDecoder.INSTANCE,
                    chat, dev.relay.core.chat.ChatPipeline.readyOnActive()));
        }
        assertThat(server.rooms().get("big").size()).isEqualTo(5000);

        EventRecorder events = new EventRecorder();
        RelayClient client = client(config(server.port()).nick("alice").room("big").build(), events);
        client.command("/who").get(10, TimeUnit.SECONDS);
        WhoList who = events.arrived(WhoList.class);
        assertThat(who.room()).isEqualTo("big");
        assertThat(who.nicks()).hasSize(5001).contains("alice", "guest1", "guest5000")
                .isSortedAccordingTo(String.CASE_INSENSITIVE_ORDER);

        TestClient raw = track(TestClient.line(server.port()));
        raw.readUntil(Kind.JOIN); // its own, after WELCOME and SERVER
        raw.send("/who #big");
        int limit = Math.min(4096, 3 * server.config().maxFrameLength(Framing.LINE) + 100);
        List<String> nicks = new ArrayList<>();
        int lines = 0;
        while (true) {
            String line = raw.readLine();
            assertThat(line.getBytes(StandardCharsets.UTF_8).length).as("a line of the answer").isLessThanOrEqualTo(limit);
            ServerLine parsed = ServerLine.parse(line);
            assertThat(parsed.arg(0)).isEqualTo("big");
            if (parsed.kind() == Kind.WHOEND) {
                assertThat(parsed.arg(1)).isEqualTo("5001");
                break;
            }
            assertThat(parsed.kind()).isEqualTo(Kind.WHO);
            nicks.addAll(List.of(parsed.text().split(" ")));
            lines++;
        }
        assertThat(lines).isGreaterThan(10);
        assertThat(nicks).isEqualTo(who.nicks());
    }

    @Test
    void aServerLineOverTheClientsLimitIsReportedAndTheConnectionGoesOn() throws Exception {
        try (ServerSocket fake = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            CompletableFuture<Socket> accepted = CompletableFuture.supplyAsync(() -> {
                try {
                    return fake.accept();
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
            EventRecorder events = new EventRecorder();
            RelayClient client = track(new RelayClient(config(fake.getLocalPort()).maxFrameLength(100).build(), events));
            CompletableFuture<Void> connected = client.connect();
            try (Socket server = accepted.get(10, TimeUnit.SECONDS)) {
                OutputStream out = server.getOutputStream();
                java.io.BufferedReader in = new java.io.BufferedReader(
                        new java.io.InputStreamReader(server.getInputStream(), StandardCharsets.UTF_8));
                assertThat(in.readLine()).isEqualTo("/hello");
                out.write("WELCOME guest1 lobby Hi\n".getBytes(StandardCharsets.UTF_8));
                out.flush();
                String ping = in.readLine();
                assertThat(ping).startsWith("/ping ");
                out.write(("PONG " + ping.substring(6) + "\n").getBytes(StandardCharsets.UTF_8));
                out.flush();
                connected.get(10, TimeUnit.SECONDS);
                out.write(("MSG lobby bob " + "x".repeat(1000) + "\nMSG lobby\nNEWKIND some day\nMSG lobby bob after\n")
                        .getBytes(StandardCharsets.UTF_8));
                out.flush();
                assertThat(events.await(ProtocolError.class).message())
                        .isEqualTo("discarded a line from the server longer than this client's 556 bytes"
                                + " (is maxFrameLength the server's?)");
                assertThat(events.await(ProtocolError.class).message()).startsWith("a server line breaks its format: ");
                assertThat(events.await(ChatMessage.class)).isEqualTo(new ChatMessage("lobby", "bob", "after"));
                assertThat(events.seen).as("an unknown kind is ignored, as the protocol asks").hasSize(4);
                client.close();
            }
        }
    }

    @Test
    void aThrowingListenerDoesNotCostTheConnection() throws Exception {
        RelayServer server = server(0);
        EventRecorder recorder = new EventRecorder();
        client(config(server.port()).build(), event -> {
            recorder.onEvent(event);
            if (event instanceof ChatMessage) {
                throw new IllegalStateException("listener bug");
            }
        });
        TestClient bob = track(TestClient.line(server.port()));
        bob.readUntil(Kind.WELCOME);
        bob.send("one");
        bob.send("two");
        assertThat(recorder.await(ChatMessage.class).text()).isEqualTo("one");
        assertThat(recorder.await(ChatMessage.class).text()).isEqualTo("two");
    }

    @Test
    void concurrentSendersKeepTheirOwnOrder() throws Exception {
        RelayServer server = server(0);
        TestClient reader = track(TestClient.line(server.port()));
        reader.readUntil(Kind.WELCOME);
        RelayClient client = client(config(server.port()).build(), event -> { });
        List<Thread> senders = new ArrayList<>();
        for (int t = 0; t < 4; t++) {
            int thread = t;
            senders.add(new Thread(() -> {
                for (int i = 0; i < 100; i++) {
                    client.send(thread + " " + i);
                }
            }));
        }
        senders.forEach(Thread::start);
        for (Thread sender : senders) {
            sender.join();
        }
        int[] next = new int[4];
        for (int got = 0; got < 400; got++) {
            String[] parts = reader.readUntil(Kind.MSG).text().split(" ");
            int thread = Integer.parseInt(parts[0]);
            assertThat(Integer.parseInt(parts[1])).isEqualTo(next[thread]++);
        }
    }

    @Test
    void aRefusedConnectionFailsConnectClearly() throws Exception {
        int port;
        try (ServerSocket probe = new ServerSocket(0)) {
            port = probe.getLocalPort();
        }
        RelayClient client = track(new RelayClient(config(port).build(), event -> { }));
        assertThat(failureOf(client.connect())).isInstanceOf(RelayClientException.class)
                .hasMessageStartingWith("cannot connect to 127.0.0.1:" + port + ": ")
                .hasMessageContaining("refused");
        assertThat(failureOf(client.send("hi"))).hasMessage("not connected");
    }

    @Test
    void aTakenNickFailsConnect() throws Exception {
        RelayServer server = server(0);
        client(config(server.port()).nick("alice").build(), event -> { });
        RelayClient second = track(new RelayClient(config(server.port()).nick("ALICE").build(), event -> { }));
        Throwable failure = failureOf(second.connect());
        assertThat(failure).isInstanceOf(RelayClientException.class).hasMessageContaining("taken");
    }

    @Test
    void tooLongOrMultiLineMessagesAreRefusedBeforeSending() throws Exception {
        RelayServer server = server(0);
        RelayClient client = client(config(server.port()).maxFrameLength(100).build(), event -> { });
        assertThat(failureOf(client.send("x".repeat(101)))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("limit of 100 bytes");
        assertThat(failureOf(client.send("two\nlines"))).isInstanceOf(IllegalArgumentException.class);
        client.send("/not a command").get(10, TimeUnit.SECONDS);
    }

    @Test
    void reconnectsAfterTheServerRestartsAndRestoresNickAndRoom() throws Exception {
        RelayServer first = server(0);
        int port = first.port();
        EventRecorder events = new EventRecorder();
        RelayClient client = client(config(port).nick("alice").room("dev").build(), events);
        assertThat(events.await(Connected.class)).isEqualTo(new Connected("alice", "dev", List.of("dev")));
        client.nick("alice2").get(10, TimeUnit.SECONDS);

        first.close();
        assertThat(events.await(Disconnected.class).reconnecting()).isTrue();
        assertThat(failureOf(client.send("lost?"))).isInstanceOf(RelayClientException.class)
                .hasMessage("not connected");

        server(port);
        assertThat(events.await(Reconnected.class)).isEqualTo(new Reconnected("alice2", "dev", List.of("dev")));
        TestClient witness = track(TestClient.line(port));
        witness.readUntil(Kind.WELCOME);
        witness.send("/who dev");
        assertThat(witness.readUntil(Kind.WHO).text()).isEqualTo("alice2");
        client.send("back again").get(10, TimeUnit.SECONDS);
    }

    @Test
    void theHeartbeatNoticesASilentServerAndReconnects() throws Exception {
        RelayServer server = server(0);
        FreezableProxy proxy = track(new FreezableProxy(server.port()));
        EventRecorder events = new EventRecorder();
        client(config(proxy.port()).nick("alice").heartbeatInterval(Duration.ofMillis(300)).build(), events);
        events.await(Connected.class);

        proxy.freeze();
        Disconnected lost = events.await(Disconnected.class);
        assertThat(lost.reason()).contains("heartbeat");
        assertThat(lost.reconnecting()).isTrue();
        proxy.thaw();
        assertThat(events.await(Reconnected.class).nick()).isEqualTo("alice");
    }

    @Test
    void lengthFramingWorksToo() throws Exception {
        RelayServer server = track(new RelayServer(RelayServerConfig.builder().host("127.0.0.1").port(0)
                .framing(Framing.LENGTH).build()).start());
        EventRecorder a = new EventRecorder();
        EventRecorder b = new EventRecorder();
        RelayClient alice = client(config(server.port()).framing(Framing.LENGTH).nick("alice").build(), a);
        client(config(server.port()).framing(Framing.LENGTH).nick("bob").build(), b);
        alice.send("over length framing ✓").get(10, TimeUnit.SECONDS);
        assertThat(b.await(ChatMessage.class)).isEqualTo(new ChatMessage("lobby", "alice", "over length framing ✓"));
    }

    /**
     * The default server detects each client's kind: a length-framed RelayClient is known by its first
     * frame, which it sends as it connects, and meets a line client in the same room.
     */
    @Test
    void lengthAndLineClientsShareTheOnePortOfADetectingServer() throws Exception {
        RelayServer server = track(new RelayServer(RelayServerConfig.builder().host("127.0.0.1").port(0).build()).start());
        EventRecorder a = new EventRecorder();
        EventRecorder b = new EventRecorder();
        RelayClient alice = client(config(server.port()).framing(Framing.LENGTH).nick("alice").build(), a);
        RelayClient bob = client(config(server.port()).framing(Framing.LINE).nick("bob").build(), b);
        alice.send("from a length frame").get(10, TimeUnit.SECONDS);
        assertThat(b.await(ChatMessage.class)).isEqualTo(new ChatMessage("lobby", "alice", "from a length frame"));
        bob.send("from a line").get(10, TimeUnit.SECONDS);
        assertThat(a.await(ChatMessage.class)).isEqualTo(new ChatMessage("lobby", "bob", "from a line"));
        assertThat(server.sessions().find("alice")).isNotNull();
        assertThat(dev.relay.core.codec.FrameCodec.of(server.sessions().find("alice").channel()).framing())
                .isEqualTo(Framing.LENGTH);
    }

    @Test
    void aRefusedChatLineIsNeverBlamedOnACommand() throws Exception {
        RelayServer server = track(new RelayServer(RelayServerConfig.builder().host("127.0.0.1").port(0)
                .maxFrameLength(50).build()).start());
        EventRecorder events = new EventRecorder();
        RelayClient client = client(config(server.port()).build(), events); // client limit 8192: mismatched
        client.send("x".repeat(100)).get(10, TimeUnit.SECONDS);
        client.nick("alice").get(10, TimeUnit.SECONDS);
        assertThat(events.await(ErrorReply.class).code()).isEqualTo(ErrorCode.TOO_LONG);
        assertThat(client.nick()).isEqualTo("alice");
        client.send("y".repeat(100));
        assertThat(failureOf(client.join("no way"))).isInstanceOf(IllegalArgumentException.class);
        client.join("dev").get(10, TimeUnit.SECONDS);
        client.command("/ping " + "r-1").get(10, TimeUnit.SECONDS);
    }

    @Test
    void quitAsACommandInAnyCaseEndsTheSessionWithoutReconnecting() throws Exception {
        RelayServer server = server(0);
        TestClient witness = track(TestClient.line(server.port()));
        witness.readUntil(Kind.WELCOME);
        EventRecorder events = new EventRecorder();
        RelayClient client = client(config(server.port()).nick("alice").build(), events);
        events.await(Connected.class);
        client.command("/QUIT gone fishing").get(10, TimeUnit.SECONDS);
        assertThat(witness.readUntil(Kind.QUIT)).hasToString("QUIT lobby alice gone fishing");
        assertThat(events.await(Disconnected.class).reconnecting()).isFalse();
        assertThat(failureOf(client.command("/who"))).hasMessage("the client is closed");
        assertThat(client.connect()).as("the same outcome as before").isCompleted();
    }

    @Test
    void aFailedConnectStopsTheClientThreadByItself() throws Exception {
        int port;
        try (ServerSocket probe = new ServerSocket(0)) {
            port = probe.getLocalPort();
        }
        RelayClient client = new RelayClient(config(port).build(), event -> { }); // deliberately not closed
        failureOf(client.connect());
        org.awaitility.Awaitility.await().until(() -> Thread.getAllStackTraces().keySet().stream()
                .noneMatch(thread -> thread.getName().startsWith("relay-client")));
    }

    @Test
    void whatOthersSayDuringSetupIsReportedAfterConnected() throws Exception {
        try (ServerSocket fake = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            List<RelayEvent> events = new java.util.concurrent.CopyOnWriteArrayList<>();
            RelayClient client = track(new RelayClient(config(fake.getLocalPort()).nick("alice").build(), events::add));
            CompletableFuture<Void> connected = client.connect();
            try (Socket server = fake.accept()) {
                java.io.BufferedReader in = new java.io.BufferedReader(
                        new java.io.InputStreamReader(server.getInputStream(), StandardCharsets.UTF_8));
                assertThat(in.readLine()).isEqualTo("/hello nick=alice");
                OutputStream out = server.getOutputStream();
                out.write("WELCOME alice lobby Hi\nJOIN lobby alice\nJOIN lobby bob\nMSG lobby bob early\n"
                        .getBytes(StandardCharsets.UTF_8));
                String ping = in.readLine();
                out.write(("PONG " + ping.substring(6) + "\n").getBytes(StandardCharsets.UTF_8));
                connected.get(10, TimeUnit.SECONDS);
                org.awaitility.Awaitility.await().until(() -> events.size() >= 3);
                assertThat(events).containsExactly(new Connected("alice", "lobby", List.of("lobby")),
                        new Joined("lobby", "bob"), new ChatMessage("lobby", "bob", "early"));
            }
        }
    }

    @Test
    void closingDuringSetupEndsQuietly() throws Exception {
        try (ServerSocket fake = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            EventRecorder events = new EventRecorder();
            RelayClient client = track(new RelayClient(config(fake.getLocalPort()).nick("alice").build(), events));
            CompletableFuture<Void> connected = client.connect();
            try (Socket server = fake.accept()) {
                java.io.BufferedReader in = new java.io.BufferedReader(
                        new java.io.InputStreamReader(server.getInputStream(), StandardCharsets.UTF_8));
                assertThat(in.readLine()).isEqualTo("/hello nick=alice");
                server.getOutputStream().write("WELCOME alice lobby Hi\n".getBytes(StandardCharsets.UTF_8));
                assertThat(in.readLine()).as("setup waits for this ping's answer, which never comes").startsWith("/ping ");
                client.close(); // welcomed, but the session is not up yet
                assertThat(failureOf(connected)).isInstanceOf(RelayClientException.class);
            }
            org.awaitility.Awaitility.await().until(() -> Thread.getAllStackTraces().keySet().stream()
                    .noneMatch(thread -> thread.getName().startsWith("relay-client")));
            assertThat(events.seen).noneMatch(event -> event instanceof Connected || event instanceof Disconnected);
        }
    }

    @Test
    void closeStopsTheClientThread() throws Exception {
        RelayServer server = server(0);
        RelayClient client = new RelayClient(config(server.port()).build(), event -> { });
        client.connect().get(10, TimeUnit.SECONDS);
        client.close();
        client.close();
        org.awaitility.Awaitility.await().until(() -> Thread.getAllStackTraces().keySet().stream()
                .noneMatch(thread -> thread.getName().startsWith("relay-client")));
        assertThat(client.isConnected()).isFalse();
    }
}
