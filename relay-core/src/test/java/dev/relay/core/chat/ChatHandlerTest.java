package dev.relay.core.chat;

import static dev.relay.core.chat.ChatFixture.lines;
import static dev.relay.core.chat.ChatFixture.type;
import static dev.relay.core.chat.ChatFixture.typeBytes;
import static org.assertj.core.api.Assertions.assertThat;

import dev.relay.core.codec.Framing;
import dev.relay.testing.FlushValve;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import dev.relay.core.RoomRegistry;
import dev.relay.core.SlowConsumerGuard;
import dev.relay.core.codec.BufferedInbound;
import dev.relay.core.codec.FrameCodec;
import dev.relay.core.codec.ReadPause;
import dev.relay.core.handler.ReadGateHandler;
import io.netty.channel.DefaultChannelId;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.timeout.IdleStateHandler;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ChatHandlerTest {

    private final ChatFixture fixture = new ChatFixture();

    @AfterEach
    void closeAll() {
        fixture.close();
    }

    @Test
    void aNewConnectionIsWelcomedAsAGuestInTheLobbyAndAnnounced() {
        EmbeddedChannel first = fixture.connect();
        List<String> got = lines(first);
        assertThat(got).hasSize(3);
        ServerLine welcome = ServerLine.parse(got.get(0));
        assertThat(welcome.kind()).isEqualTo(ServerLine.Kind.WELCOME);
        assertThat(welcome.args()).containsExactly("guest1", "lobby");
        assertThat(welcome.text()).contains("/help");
        assertThat(got.get(1)).isEqualTo("SERVER protocol=2 idle-timeout-ms=0 framing=line max-frame-length=64 "
                + "max-rooms-per-connection=50 presence-limit=50");
        assertThat(got.get(2)).as("every room the session is in starts with a JOIN to it").isEqualTo("JOIN lobby guest1");
        EmbeddedChannel second = fixture.connect();
        assertThat(lines(second)).first().asString().startsWith("WELCOME guest2 lobby ");
        assertThat(lines(first)).containsExactly("JOIN lobby guest2");
    }

    @Test
    void aLineGoesToTheOthersInTheRoomWithTheSendersNickButNotBackToTheSender() {
        EmbeddedChannel alice = fixture.connect("alice");
        EmbeddedChannel bob = fixture.connect("bob");
        EmbeddedChannel carol = fixture.connect("carol");
        type(alice, "hello, world  ");
        assertThat(lines(bob)).containsExactly("MSG lobby alice hello, world  ");
        assertThat(lines(carol)).containsExactly("MSG lobby alice hello, world  ");
        assertThat(lines(alice)).isEmpty();
    }

    @Test
    void aReplyNeverOvertakesRoomTrafficWaitingToBeFlushed() {
        EmbeddedChannel alice = fixture.connect("alice");
        EmbeddedChannel bob = fixture.connect("bob");
        type(alice, "first");
        type(alice, "second");
        // bob's room traffic waits for his loop's end-of-pass flush; his own reply is written now
        type(bob, "/ping 1");
        assertThat(lines(bob)).containsExactly("MSG lobby alice first", "MSG lobby alice second", "PONG 1");
    }

    @Test
    void blankLinesAreIgnoredAndDoubleSlashEscapesALeadingSlash() {
        EmbeddedChannel alice = fixture.connect("alice");
        EmbeddedChannel bob = fixture.connect("bob");
        type(alice, "");
        type(alice, "   ");
        type(alice, "\t \t");
        type(alice, "//not a command");
        assertThat(lines(bob)).containsExactly("MSG lobby alice /not a command");
        assertThat(lines(alice)).isEmpty();
    }

    @Test
    void onlySpacesAndTabsAreBlankOtherWhiteSpaceIsText() {
        EmbeddedChannel alice = fixture.connect("alice");
        EmbeddedChannel bob = fixture.connect("bob");
        type(alice, "\u3000");
        type(alice, " \u2003\t");
        type(alice, "\u00A0");
        assertThat(lines(bob)).containsExactly("MSG lobby alice \u3000", "MSG lobby alice  \u2003\t", "MSG lobby alice \u00A0");
        assertThat(ChatCommands.isBlank(" \t ")).isTrue();
        assertThat(ChatCommands.isBlank("\u000B")).isFalse();
    }

    @Test
    void nickChangesAreAnnouncedAndUniqueIgnoringCase() {
        EmbeddedChannel alice = fixture.connect("alice");
        EmbeddedChannel bob = fixture.connect("bob");
        type(bob, "/nick ALICE");
        assertThat(lines(bob)).containsExactly("ERR nick-taken The nick ALICE is taken");
        type(bob, "/nick 9lives");
        assertThat(lines(bob)).singleElement().asString().startsWith("ERR bad-nick ");
        type(bob, "/nick " + "b".repeat(Names.MAX_NICK_LENGTH + 1));
        assertThat(lines(bob)).singleElement().asString().startsWith("ERR bad-nick ");
        type(bob, "/nick two words");
        assertThat(lines(bob)).singleElement().asString().startsWith("ERR bad-args ");
        type(bob, "/NICK Robert_the-2nd");
        assertThat(lines(bob)).containsExactly("NICK lobby bob Robert_the-2nd");
        assertThat(lines(alice)).containsExactly("NICK lobby bob Robert_the-2nd");
        type(alice, "/nick bob");
        assertThat(lines(alice)).as("the old nick is free again").containsExactly("NICK lobby alice bob");
        type(alice, "/nick BOB");
        assertThat(lines(alice)).as("a change of case is allowed").containsExactly("NICK lobby bob BOB");
    }

    @Test
    void joinAddsARoomAndMakesItCurrentAndPartLeavesIt() {
        EmbeddedChannel alice = fixture.connect("alice");
        EmbeddedChannel bob = fixture.connect("bob");
        type(alice, "/join #Dev");
        assertThat(lines(alice)).containsExactly("JOIN dev alice", "CURRENT dev");
        assertThat(lines(bob)).as("bob is not in dev").isEmpty();
        type(bob, "in the lobby");
        assertThat(lines(alice)).as("alice is still in the lobby").containsExactly("MSG lobby bob in the lobby");
        type(alice, "in dev");
        assertThat(lines(bob)).as("a plain line goes to the current room only").isEmpty();
        type(alice, "/join dev");
        assertThat(lines(alice)).as("joining a room you are in only makes it current").containsExactly("CURRENT dev");
        type(alice, "/join no spaces");
        type(alice, "/join bad!name");
        type(alice, "/join");
        assertThat(lines(alice)).extracting(line -> line.split(" ")[1])
                .containsExactly("bad-args", "bad-room", "bad-args");
        type(alice, "/part");
        assertThat(lines(alice)).as("the current room goes back to the one current before")
                .containsExactly("LEAVE dev alice", "CURRENT lobby");
        assertThat(fixture.chat.rooms().get("dev")).as("removed when empty").isNull();
        assertThat(fixture.chat.rooms().get("lobby").size()).isEqualTo(2);
        type(alice, "/part lobby");
        assertThat(lines(alice)).singleElement().asString().startsWith("ERR last-room ");
        type(alice, "/part dev");
        assertThat(lines(alice)).singleElement().asString().startsWith("ERR not-in-room ");
    }

    @Test
    void aConnectionIsInSeveralRoomsAtOnceAndCanSwitchAndSayWithoutSwitching() {
        EmbeddedChannel alice = fixture.connect("alice");
        EmbeddedChannel bob = fixture.connect("bob");
        type(bob, "/join dev");
        type(alice, "/join dev");
        type(alice, "/join ops");
        lines(bob);
        assertThat(lines(alice)).containsExactly("JOIN dev alice", "CURRENT dev", "JOIN ops alice",
                "CURRENT ops");
        assertThat(fixture.chat.sessions().find("alice").rooms()).extracting(dev.relay.core.Room::name)
                .containsExactly("lobby", "dev", "ops");
        type(bob, "dev news");
        type(bob, "/switch lobby");
        type(bob, "lobby news");
        assertThat(lines(alice)).as("alice hears both rooms").containsExactly("MSG dev bob dev news",
                "MSG lobby bob lobby news");
        assertThat(lines(bob)).containsExactly("CURRENT lobby");
        type(alice, "/say dev  hello dev");
        assertThat(lines(bob)).as("said to dev, with the text as typed").containsExactly("MSG dev alice  hello dev");
        type(alice, "/say lobby");
        type(alice, "/say nowhere hi");
        type(alice, "/switch nowhere");
        type(alice, "/switch");
        assertThat(lines(alice)).extracting(line -> line.split(" ")[1])
                .containsExactly("bad-args", "not-in-room", "not-in-room", "bad-args");
        type(alice, "/nick alicia");
        assertThat(lines(alice)).as("one NICK per room").containsExactlyInAnyOrder("NICK lobby alice alicia",
                "NICK dev alice alicia", "NICK ops alice alicia");
        assertThat(lines(bob)).containsExactlyInAnyOrder("NICK lobby alice alicia", "NICK dev alice alicia");
        type(alice, "/who");
        assertThat(lines(alice)).as("the current room's").containsExactly("WHO ops alicia", "WHOEND ops 1");
        alice.close();
        assertThat(lines(bob)).containsExactlyInAnyOrder("QUIT lobby alicia connection closed",
                "QUIT dev alicia connection closed");
    }

    @Test
    void aConnectionMayBeInAsManyRoomsAsItsLimit() {
        RoomRegistry rooms = new RoomRegistry();
        SessionRegistry sessions = new SessionRegistry();
        ChatHandler chat = new ChatHandler(rooms, sessions, new LocalDelivery(rooms, sessions), "lobby",
                ChatLimits.DEFAULTS.withMaxRoomsPerConnection(3).withArrivalWindow(java.time.Duration.ZERO)
                        .withPresenceDelay(java.time.Duration.ZERO));
        FrameCodec codec = new FrameCodec(Framing.LINE, 64);
        EmbeddedChannel alice = new EmbeddedChannel(DefaultChannelId.newInstance(), codec.newDecoder(), codec.encoder(),
                ChatTesting.protocol(chat));
        type(alice, "/join a");
        type(alice, "/join b");
        lines(alice);
        type(alice, "/join c");
        assertThat(lines(alice)).singleElement().asString()
                .isEqualTo("ERR too-many-joined You are in 3 rooms, as many as a connection may be in; /part one first");
        type(alice, "/part a");
        type(alice, "/join c");
        assertThat(lines(alice)).containsExactly("LEAVE a guest1", "JOIN c guest1", "CURRENT c");
        alice.finishAndReleaseAll();
    }

    @Test
    void privateMessagesReachOnlyTheirTarget() {
        EmbeddedChannel alice = fixture.connect("alice");
        EmbeddedChannel bob = fixture.connect("bob");
        EmbeddedChannel carol = fixture.connect("carol");
        type(carol, "/join elsewhere");
        lines(alice);
        lines(bob);
        lines(carol);
        type(alice, "/msg CAROL  psst, over here");
        assertThat(lines(carol)).containsExactly("PRIV alice psst, over here");
        assertThat(lines(bob)).isEmpty();
        assertThat(lines(alice)).isEmpty();
        type(alice, "/msg dave hi");
        assertThat(lines(alice)).containsExactly("ERR no-such-nick No one here is called dave");
        type(alice, "/msg bob");
        assertThat(lines(alice)).singleElement().asString().startsWith("ERR bad-args ");
        assertThat(lines(bob)).isEmpty();
    }

    @Test
    void meWhoRoomsPingAndHelpAnswer() {
        EmbeddedChannel alice = fixture.connect("alice");
        EmbeddedChannel bob = fixture.connect("bob");
        type(alice, "/me waves");
        assertThat(lines(bob)).containsExactly("ACTION lobby alice waves");
        type(alice, "/me");
        type(alice, "/who");
        type(alice, "/who #nowhere");
        type(alice, "/rooms");
        type(alice, "/ping abc 123");
        assertThat(lines(alice)).containsExactly("ERR bad-args Usage: /me ACTION", "WHO lobby alice bob",
                "WHOEND lobby 2", "WHO nowhere", "WHOEND nowhere 0", "ROOMS lobby:2", "ROOMSEND 1", "PONG abc 123");
        type(alice, "/help");
        assertThat(lines(alice)).hasSizeGreaterThan(8).allMatch(line -> line.startsWith("INFO "))
                .anyMatch(line -> line.contains("/msg NICK TEXT"));
        assertThat(lines(bob)).isEmpty();
    }

    @Test
    void whoAndRoomsAnswersAreSplitIntoLinesWithinTheConnectionsLimit() {
        EmbeddedChannel alice = fixture.connect("alice");
        List<String> nicks = new java.util.ArrayList<>(List.of("alice"));
        for (int i = 0; i < 40; i++) {
            fixture.connect("member_" + i);
            nicks.add("member_" + i);
        }
        nicks.sort(String.CASE_INSENSITIVE_ORDER);
        lines(alice);
        type(alice, "/who");
        type(alice, "/ping done");
        List<String> answer = lines(alice);
        int max = ServerLines.maxListLineBytes(64); // the fixture's frame limit: 292 bytes
        assertThat(answer).hasSizeGreaterThan(3).endsWith("WHOEND lobby 41", "PONG done");
        List<String> listed = new java.util.ArrayList<>();
        for (String line : answer.subList(0, answer.size() - 2)) {
            assertThat(line.length()).isLessThanOrEqualTo(max);
            ServerLine who = ServerLine.parse(line);
            assertThat(who.kind()).isEqualTo(ServerLine.Kind.WHO);
            assertThat(who.args()).containsExactly("lobby");
            listed.addAll(List.of(who.text().split(" ")));
        }
        assertThat(listed).isEqualTo(nicks);

        for (int i = 0; i < 40; i++) {
            type(fixture.connect(), "/join room-" + i);
        }
        lines(alice);
        type(alice, "/rooms");
        List<String> rooms = lines(alice);
        assertThat(rooms).hasSizeGreaterThan(2).last().asString().isEqualTo("ROOMSEND 41");
        assertThat(rooms).allMatch(line -> line.length() <= max)
                .allMatch(line -> line.startsWith("ROOMS ") || line.startsWith("ROOMSEND "));
    }

    @Test
    void extraArgumentsAreRefused() {
        EmbeddedChannel alice = fixture.connect("alice");
        type(alice, "/who a b");
        type(alice, "/rooms all");
        type(alice, "/help me");
        assertThat(lines(alice)).extracting(line -> line.split(" ")[1])
                .containsExactly("bad-args", "bad-args", "bad-args");
    }

    @Test
    void aClientThatDoesNotReadIsNotReadFromUntilItsOutputDrainsEvenWithinOneRead() {
        FlushValve valve = new FlushValve();
        EmbeddedChannel alice = fixture.connect();
        ReadGateHandler gate = new ReadGateHandler();
        EmbeddedChannel slow = new EmbeddedChannel(DefaultChannelId.newInstance(), valve,
                new FrameCodec(Framing.LINE, 64).newDecoder(), new FrameCodec(Framing.LINE, 64).encoder(), gate,
                ChatTesting.protocol(fixture.chat));
        slow.config().setWriteBufferWaterMark(new WriteBufferWaterMark(256, 512));
        StringBuilder burst = new StringBuilder();
        for (int i = 0; i < 200; i++) {
            burst.append("/ping ").append(i).append(" with some padding\n");
        }
        slow.writeInbound(Unpooled.copiedBuffer(burst, StandardCharsets.UTF_8)); // one read, 200 commands
        assertThat(slow.isWritable()).isFalse();
        assertThat(slow.config().isAutoRead()).as("reading paused").isFalse();
        assertThat(SlowConsumerGuard.pendingBytes(slow)).as("replies queued").isLessThan(1024);
        assertThat(heldInbound(slow)).as("the rest waits unread, as bytes in the decoder").isGreaterThan(4000);
        assertThat(gate.heldInboundBytes()).as("a frame or two at most in the gate").isLessThan(100);
        assertThat(ReadPause.of(slow).isPaused()).isTrue();
        assertThat(gate.readBlockedSinceNanos()).isNotZero();

        valve.open();
        slow.flush();
        assertThat(slow.isWritable()).isTrue();
        assertThat(slow.config().isAutoRead()).as("reading resumed").isTrue();
        assertThat(heldInbound(slow)).isZero();
        assertThat(ReadPause.of(slow).isPaused()).isFalse();
        assertThat(gate.readBlockedSinceNanos()).isZero();
        List<String> got = lines(slow);
        assertThat(got).first().asString().startsWith("WELCOME ");
        assertThat(got).filteredOn(line -> line.startsWith("PONG ")).hasSize(200)
                .first().isEqualTo("PONG 0 with some padding");
        assertThat(got).last().isEqualTo("PONG 199 with some padding");
        assertThat(lines(alice)).endsWith("JOIN lobby guest2");
        slow.finishAndReleaseAll();
    }

    private static long heldInbound(EmbeddedChannel channel) {
        long held = 0;
        for (var entry : channel.pipeline()) {
            if (entry.getValue() instanceof BufferedInbound buffered) {
                held += buffered.heldInboundBytes();
            }
        }
        return held;
    }

    @Test
    void roomLimitsRefuseJoinsAndNewConnectionsToAFullRoom() {
        dev.relay.core.RoomRegistry rooms = new dev.relay.core.RoomRegistry();
        SessionRegistry sessions = new SessionRegistry();
        ChatHandler limited = new ChatHandler(rooms, sessions, new LocalDelivery(rooms, sessions), "lobby",
                new ChatLimits(2, 2).withArrivalWindow(java.time.Duration.ZERO)
                        .withPresenceDelay(java.time.Duration.ZERO));
        EmbeddedChannel a = new EmbeddedChannel(DefaultChannelId.newInstance(), new FrameCodec(Framing.LINE, 64).newDecoder(),
                new FrameCodec(Framing.LINE, 64).encoder(), ChatTesting.protocol(limited));
        EmbeddedChannel b = new EmbeddedChannel(DefaultChannelId.newInstance(), new FrameCodec(Framing.LINE, 64).newDecoder(),
                new FrameCodec(Framing.LINE, 64).encoder(), ChatTesting.protocol(limited));
        EmbeddedChannel c = new EmbeddedChannel(DefaultChannelId.newInstance(), new FrameCodec(Framing.LINE, 64).newDecoder(),
                new FrameCodec(Framing.LINE, 64).encoder(), ChatTesting.protocol(limited));
        assertThat(lines(c)).singleElement().asString().isEqualTo("ERR room-full #lobby has its maximum of 2 members");
        assertThat(c.isOpen()).isFalse();
        type(a, "/join dev");
        type(b, "/join other");
        assertThat(lines(b)).last().asString().startsWith("ERR too-many-rooms ");
        type(b, "/join dev");
        assertThat(lines(b)).endsWith("JOIN dev guest2", "CURRENT dev");
        type(a, "/join lobby");
        type(a, "/join dev");
        assertThat(lines(a)).endsWith("CURRENT lobby", "CURRENT dev");
        for (EmbeddedChannel channel : List.of(a, b, c)) {
            channel.finishAndReleaseAll();
        }
    }

    @Test
    void anIdleConnectionIsToldAndClosedAndItsRoomToldWhy() {
        EmbeddedChannel alice = fixture.connect("alice");
        EmbeddedChannel idle = new EmbeddedChannel(DefaultChannelId.newInstance(),
                new FrameCodec(Framing.LINE, 64).newDecoder(), new FrameCodec(Framing.LINE, 64).encoder(),
                new IdleStateHandler(30, 0, 0, TimeUnit.SECONDS), new IdleCloser(Duration.ofSeconds(2)),
                ChatTesting.protocol(fixture.chat));
        type(idle, "/nick sleepy");
        lines(idle);
        lines(alice);
        idle.advanceTimeBy(29, TimeUnit.SECONDS);
        idle.runScheduledPendingTasks();
        assertThat(idle.isOpen()).isTrue();
        type(idle, "/ping still here");
        idle.advanceTimeBy(29, TimeUnit.SECONDS);
        idle.runScheduledPendingTasks();
        assertThat(idle.isOpen()).as("a ping resets the idle clock").isTrue();
        idle.advanceTimeBy(2, TimeUnit.SECONDS);
        idle.runScheduledPendingTasks();
        assertThat(lines(idle)).endsWith("BYE Closing an idle connection (send /ping to stay connected)");
        assertThat(idle.isOpen()).isFalse();
        assertThat(lines(alice)).containsExactly("QUIT lobby sleepy idle: sent nothing for too long");
        idle.finishAndReleaseAll();
    }

    @Test
    void unknownOrMalformedCommandsAreErrorsAndNeverBroadcast() {
        EmbeddedChannel alice = fixture.connect("alice");
        EmbeddedChannel bob = fixture.connect("bob");
        type(alice, "/frobnicate now");
        type(alice, "/");
        assertThat(lines(alice)).containsExactly(
                "ERR unknown-command /frobnicate is not a command; /help lists them",
                "ERR unknown-command / is not a command; /help lists them");
        assertThat(lines(bob)).isEmpty();
    }

    @Test
    void quitSaysByeClosesAndTellsTheRoomWithTheReason() {
        EmbeddedChannel alice = fixture.connect("alice");
        EmbeddedChannel bob = fixture.connect("bob");
        type(alice, "/quit see you");
        assertThat(lines(alice)).containsExactly("BYE Goodbye, alice");
        assertThat(alice.isOpen()).isFalse();
        assertThat(lines(bob)).containsExactly("QUIT lobby alice see you");
        assertThat(fixture.chat.sessions().find("alice")).isNull();
    }

    @Test
    void anAbruptDisconnectIsAnnouncedAndFreesTheNick() {
        EmbeddedChannel alice = fixture.connect("alice");
        EmbeddedChannel bob = fixture.connect("bob");
        alice.close();
        assertThat(lines(bob)).containsExactly("QUIT lobby alice connection closed");
        EmbeddedChannel again = fixture.connect();
        type(again, "/nick alice");
        assertThat(lines(again)).endsWith("NICK lobby guest3 alice");
    }

    @Test
    void anOverLongLineGetsAnErrorAndTheConnectionGoesOn() {
        EmbeddedChannel alice = fixture.connect("alice");
        EmbeddedChannel bob = fixture.connect("bob");
        type(alice, "x".repeat(200));
        assertThat(lines(alice)).containsExactly("ERR too-long Frame longer than 64 bytes discarded; the connection goes on");
        assertThat(lines(bob)).isEmpty();
        type(alice, "still here");
        assertThat(lines(bob)).containsExactly("MSG lobby alice still here");
        assertThat(alice.isActive()).isTrue();
    }

    @Test
    void invalidUtf8BecomesReplacementCharacters() {
        fixture.connect("alice");
        EmbeddedChannel bob = fixture.connect("bob");
        EmbeddedChannel alice = fixture.connect("mallory");
        typeBytes(alice, new byte[] {'o', 'k', ' ', (byte) 0xC3, (byte) 0x28, ' ', (byte) 0xFF, '\n'});
        assertThat(lines(bob)).containsExactly("MSG lobby mallory ok \uFFFD( \uFFFD");
    }

    @Test
    void lengthFramedMembersGetTheSameMessagesInTheirFramingAndLineBreaksBecomeSpaces() {
        EmbeddedChannel alice = fixture.connect("alice");
        EmbeddedChannel framed = fixture.connect(Framing.LENGTH);
        lines(alice);
        releaseAll(framed);
        byte[] payload = "two\nlines\r".getBytes(StandardCharsets.UTF_8);
        framed.writeInbound(Unpooled.buffer().writeInt(payload.length).writeBytes(payload));
        assertThat(lines(alice)).containsExactly("MSG lobby guest2 two lines ");
        type(alice, "hi there");
        framed.runPendingTasks();
        ByteBuf frame = framed.readOutbound();
        assertThat(frame.readInt()).isEqualTo(frame.readableBytes());
        assertThat(frame.toString(StandardCharsets.UTF_8)).isEqualTo("MSG lobby alice hi there");
        frame.release();
    }

    private static void releaseAll(EmbeddedChannel channel) {
        channel.runPendingTasks();
        for (Object out; (out = channel.readOutbound()) != null; ) {
            ((ByteBuf) out).release();
        }
    }
}
