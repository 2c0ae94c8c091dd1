package dev.relay.core.chat;

import static dev.relay.core.chat.ChatFixture.lines;
import static dev.relay.core.chat.ChatFixture.type;
import static org.assertj.core.api.Assertions.assertThat;

import dev.relay.core.Room;
import dev.relay.core.RoomRegistry;
import dev.relay.core.codec.FrameCodec;
import dev.relay.core.codec.Framing;
import io.netty.buffer.Unpooled;
import io.netty.channel.DefaultChannelId;
import io.netty.channel.embedded.EmbeddedChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The arrival line and its window (PROTOCOL.md, "A session"), on EmbeddedChannels with frozen time. */
class ArrivalTest {

    private static final Duration WINDOW = Duration.ofMillis(250);

    private final RoomRegistry rooms = new RoomRegistry();
    private final SessionRegistry sessions = new SessionRegistry();
    private final ChatHandler chat = new ChatHandler(rooms, sessions, new LocalDelivery(rooms, sessions), "lobby",
            ChatLimits.DEFAULTS.withArrivalWindow(WINDOW)
                    .withPresenceDelay(java.time.Duration.ZERO).withMaxRoomsPerConnection(3));
    private final FrameCodec codec = new FrameCodec(Framing.LINE, 256);
    private final List<EmbeddedChannel> channels = new ArrayList<>();

    private EmbeddedChannel connect() {
        EmbeddedChannel channel = new EmbeddedChannel(DefaultChannelId.newInstance(), codec.newDecoder(),
                codec.encoder(), ChatTesting.protocol(chat));
        channel.freezeTime(); // the window started a moment ago, on the real clock
        channels.add(channel);
        return channel;
    }

    private static void wait(EmbeddedChannel channel, Duration time) {
        channel.advanceTimeBy(time.toNanos(), TimeUnit.NANOSECONDS);
        channel.runScheduledPendingTasks();
    }

    @AfterEach
    void closeAll() {
        channels.forEach(EmbeddedChannel::finishAndReleaseAll);
    }

    /**
     * A browser's spare connection says nothing, ever: as a silent guest it is welcomed (an nc user who
     * has not typed yet looks the same), but its room hears of it only once it speaks, and not at all if
     * it leaves first.
     */
    @Test
    void aSilentGuestIsWelcomedButAnnouncedOnlyOnceItSpeaks() {
        EmbeddedChannel alice = connect();
        type(alice, "/hello nick=alice");
        lines(alice);
        EmbeddedChannel lurker = connect();
        wait(lurker, WINDOW);
        List<String> welcome = lines(lurker);
        assertThat(welcome.get(0)).as("welcomed all the same").startsWith("WELCOME guest1 lobby Hi guest1,");
        assertThat(welcome).endsWith("JOIN lobby guest1");
        assertThat(lines(alice)).as("the room hears nothing yet").isEmpty();
        type(alice, "/who");
        assertThat(lines(alice)).containsExactly("WHO lobby alice", "WHOEND lobby 1");
        type(alice, "is anyone there");
        assertThat(lines(lurker)).as("but it hears the room").containsExactly("MSG lobby alice is anyone there");
        type(lurker, "me, just now");
        assertThat(lines(alice)).containsExactly("JOIN lobby guest1", "MSG lobby guest1 me, just now");
        lurker.close();
        assertThat(lines(alice)).containsExactly("QUIT lobby guest1 connection closed");

        EmbeddedChannel spare = connect();
        wait(spare, WINDOW);
        lines(spare);
        spare.close();
        assertThat(lines(alice)).as("a silent guest that leaves was never there").isEmpty();
        EmbeddedChannel renamer = connect();
        wait(renamer, WINDOW);
        type(renamer, "/nick rene");
        assertThat(lines(alice)).containsExactly("JOIN lobby guest3", "NICK lobby guest3 rene");
    }

    @Test
    void anArrivalLineStartsTheSessionWithItsNickAndRoomsAndNoGuestIsEverAnnounced() {
        EmbeddedChannel carol = connect();
        type(carol, "/hello nick=carol rooms=ops");
        lines(carol);
        EmbeddedChannel bob = connect();
        assertThat(lines(bob)).as("nothing before the arrival line or the end of the window").isEmpty();
        type(bob, "/HELLO nick=Bob rooms=#Dev,ops,dev");
        assertThat(lines(bob)).containsExactly(
                "WELCOME Bob dev Hi Bob, you are in #dev and #ops; what you type goes to #dev. /help for commands.",
                "SERVER protocol=2 idle-timeout-ms=0 framing=line max-frame-length=256 max-rooms-per-connection=3 "
                        + "presence-limit=50",
                "JOIN dev Bob", "JOIN ops Bob");
        assertThat(lines(carol)).as("no guest, no rename: only the JOIN of bob").containsExactly("JOIN ops Bob");
        assertThat(Session.of(bob).room().name()).isEqualTo("dev");
        assertThat(Session.of(bob).rooms()).extracting(Room::name).containsExactlyInAnyOrder("dev", "ops");
        wait(bob, WINDOW.multipliedBy(2));
        assertThat(lines(bob)).as("the window's end changes nothing once arrived").isEmpty();
        assertThat(rooms.get("lobby")).as("the lobby was never joined").isNull();
        type(bob, "hello");
        assertThat(lines(carol)).isEmpty();
    }

    @Test
    void linesAfterTheArrivalLineInTheSameReadAreHandledInTheNewSession() {
        EmbeddedChannel bob = connect();
        bob.writeInbound(Unpooled.copiedBuffer("/hello nick=bob\n/ping 1\n/who\n", StandardCharsets.UTF_8));
        assertThat(lines(bob)).endsWith("JOIN lobby bob", "PONG 1", "WHO lobby bob", "WHOEND lobby 1");
    }

    @Test
    void aSilentConnectionBecomesAGuestWhenTheWindowEnds() {
        EmbeddedChannel guest = connect();
        wait(guest, WINDOW.dividedBy(2));
        assertThat(lines(guest)).isEmpty();
        wait(guest, WINDOW.dividedBy(2));
        assertThat(lines(guest)).first().asString().startsWith("WELCOME guest1 lobby ");
    }

    @Test
    void aFirstLineOfAnotherKindStartsAGuestSessionAtOnceAndIsThenHandled() {
        EmbeddedChannel alice = connect();
        type(alice, "/hello nick=alice");
        lines(alice);
        EmbeddedChannel guest = connect();
        type(guest, "hi all");
        assertThat(lines(guest)).first().asString().startsWith("WELCOME guest1 lobby ");
        assertThat(lines(alice)).containsExactly("JOIN lobby guest1", "MSG lobby guest1 hi all");
        EmbeddedChannel named = connect();
        type(named, "/nick dave");
        List<String> got = lines(named);
        assertThat(got).first().asString().startsWith("WELCOME guest2 lobby ");
        assertThat(got).last().isEqualTo("NICK lobby guest2 dave");
    }

    @Test
    void aRefusedArrivalAnnouncesNothingAndTheClientMayTryAgain() {
        EmbeddedChannel alice = connect();
        type(alice, "/hello nick=alice rooms=dev");
        lines(alice);
        EmbeddedChannel other = connect();
        type(other, "/hello nick=ALICE rooms=dev");
        assertThat(lines(other)).containsExactly("ERR nick-taken The nick ALICE is taken");
        type(other, "/hello nick=x! rooms=dev");
        type(other, "/hello nick=bob rooms=dev,no!room");
        type(other, "/hello nick=bob rooms=a,b,c,d");
        type(other, "/hello nick=bob colour=blue");
        type(other, "/hello bob");
        type(other, "/hello nick=bob nick=rob");
        assertThat(lines(other)).extracting(line -> line.split(" ")[1]).containsExactly("bad-nick", "bad-room",
                "too-many-joined", "bad-args", "bad-args", "bad-args");
        assertThat(lines(alice)).as("nothing announced").isEmpty();
        assertThat(Session.of(other)).isNull();
        assertThat(sessions.find("bob")).as("no nick held").isNull();
        wait(other, WINDOW.dividedBy(2)); // each refusal started the window again
        type(other, "/hello nick=bob rooms=dev");
        assertThat(lines(other)).first().asString().startsWith("WELCOME bob dev ");
        assertThat(lines(alice)).containsExactly("JOIN dev bob");
    }

    @Test
    void anArrivalIntoAFullRoomJoinsNoneOfItsRooms() {
        ChatHandler small = new ChatHandler(rooms, sessions, new LocalDelivery(rooms, sessions), "lobby",
                new ChatLimits(100, 1).withArrivalWindow(WINDOW).withPresenceDelay(java.time.Duration.ZERO));
        EmbeddedChannel first = new EmbeddedChannel(DefaultChannelId.newInstance(), codec.newDecoder(),
                codec.encoder(), ChatTesting.protocol(small));
        channels.add(first);
        type(first, "/hello nick=first rooms=full");
        lines(first);
        EmbeddedChannel second = new EmbeddedChannel(DefaultChannelId.newInstance(), codec.newDecoder(),
                codec.encoder(), ChatTesting.protocol(small));
        channels.add(second);
        type(second, "/hello nick=second rooms=free,full");
        assertThat(lines(second)).containsExactly("ERR room-full #full has its maximum of 1 members");
        assertThat(rooms.get("free")).as("left again, never announced").isNull();
        assertThat(sessions.find("second")).isNull();
    }

    @Test
    void aLateHelloRenamesAndJoinsLikeNickAndJoin() {
        EmbeddedChannel guest = connect();
        wait(guest, WINDOW);
        lines(guest);
        type(guest, "/hello nick=late rooms=a,b");
        assertThat(lines(guest)).containsExactly("NICK lobby guest1 late", "JOIN a late", "CURRENT a", "JOIN b late");
        assertThat(Session.of(guest).room().name()).isEqualTo("a");
    }

    @Test
    void aConnectionClosedDuringItsWindowLeavesNothingBehind() {
        EmbeddedChannel gone = connect();
        gone.close();
        wait(gone, WINDOW.multipliedBy(2));
        assertThat(sessions.size()).isZero();
        assertThat(rooms.size()).isZero();
    }
}
