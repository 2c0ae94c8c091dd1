package dev.relay.core.chat;

import static dev.relay.core.chat.ChatFixture.lines;
import static dev.relay.core.chat.ChatFixture.type;
import static org.assertj.core.api.Assertions.assertThat;

import dev.relay.core.codec.FrameCodec;
import dev.relay.core.codec.Framing;
import io.netty.channel.DefaultChannelId;
import io.netty.channel.embedded.EmbeddedChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Presence in big rooms (PROTOCOL.md, "Big rooms"), on EmbeddedChannels: a room of up to the limit
 * hears everything as before; past it others' arrivals, departures and renames are not announced, and
 * everyone is told once; a room announces again only once down to 3/4 of the limit; every member still
 * gets its own confirmations, {@code /who} lists everyone, and chat is unaffected.
 */
class PresenceTest {

    /** Quiet at 5 members, announced again at 3. */
    private static final int LIMIT = 4;

    private static final String OFF = " #lobby has more than 4 members: arrivals, departures and renames there are no "
            + "longer announced (/who lists everyone)";

    private final List<ChatFixture> fixtures = new ArrayList<>();

    private ChatFixture fixture(ChatLimits limits) {
        ChatFixture fixture = new ChatFixture(limits);
        fixtures.add(fixture);
        return fixture;
    }

    @AfterEach
    void closeAll() {
        fixtures.forEach(ChatFixture::close);
    }

    private static String off(int members) {
        return "PRESENCE lobby off " + members + OFF;
    }

    private static String on(int members) {
        return "PRESENCE lobby on " + members + " #lobby is down to " + members + " members: arrivals, departures and "
                + "renames there are announced again (/who lists everyone)";
    }

    /** {@code count} guests in the lobby, everything they were sent so far read. */
    private static List<EmbeddedChannel> guests(ChatFixture fixture, int count) {
        List<EmbeddedChannel> guests = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            guests.add(fixture.connect());
        }
        guests.forEach(ChatFixture::lines);
        return guests;
    }

    private static void assertEachGot(List<EmbeddedChannel> channels, String... expected) {
        for (EmbeddedChannel channel : channels) {
            assertThat(lines(channel)).as("lines to %s", Session.of(channel)).containsExactly(expected);
        }
    }

    private static void assertNothingFor(List<EmbeddedChannel> channels) {
        for (EmbeddedChannel channel : channels) {
            assertThat(lines(channel)).as("lines to %s", Session.of(channel)).isEmpty();
        }
    }

    /** Advances {@code channel}'s loop clock by {@code millis} and runs what falls due. */
    private static void later(EmbeddedChannel channel, long millis) {
        channel.advanceTimeBy(millis, java.util.concurrent.TimeUnit.MILLISECONDS);
        channel.runScheduledPendingTasks();
    }

    @Test
    void othersHearOfAnArrivalWithinThePresenceDelayOrWithTheirNextLineWhicheverComesFirst() {
        ChatFixture fixture = new ChatFixture(ChatLimits.DEFAULTS.withPresenceDelay(Duration.ofMillis(100)), true);
        fixtures.add(fixture);
        EmbeddedChannel alice = fixture.connect("alice");
        EmbeddedChannel carol = fixture.connect("carol");
        later(alice, 100);
        lines(alice); // carol's arrival

        EmbeddedChannel bob = fixture.connect();
        assertThat(lines(bob)).as("its own confirmation at once").contains("JOIN lobby guest3");
        assertThat(lines(alice)).as("the news waits").isEmpty();
        later(alice, 99);
        assertThat(lines(alice)).isEmpty();
        later(alice, 1);
        assertThat(lines(alice)).containsExactly("JOIN lobby guest3");

        // carol's copy is still waiting when bob speaks: it leaves with his line, and before it
        type(bob, "hi");
        assertThat(lines(carol)).containsExactly("JOIN lobby guest3", "MSG lobby guest3 hi");
        assertThat(lines(alice)).containsExactly("MSG lobby guest3 hi");
        later(carol, 100);
        assertThat(lines(carol)).as("nothing twice").isEmpty();

        // a rename: the renamer hears at once, the others with their next reply
        type(bob, "/nick bob");
        assertThat(lines(bob)).contains("NICK lobby guest3 bob");
        type(alice, "/ping x");
        assertThat(lines(alice)).containsExactly("NICK lobby guest3 bob", "PONG x");

        // a departure of a connection that goes: its news still arrives
        bob.close();
        assertThat(lines(alice)).isEmpty();
        later(alice, 100);
        assertThat(lines(alice)).hasSize(1).first().asString().startsWith("QUIT lobby bob");
    }

    @Test
    void aConnectionThatClosesWhileNewsWaitsForItLeaksNothing() {
        ChatFixture fixture = new ChatFixture(ChatLimits.DEFAULTS.withPresenceDelay(Duration.ofMillis(100)), true);
        fixtures.add(fixture);
        EmbeddedChannel alice = fixture.connect("alice");
        EmbeddedChannel bob = fixture.connect();
        lines(bob);
        alice.runPendingTasks(); // the news is in alice's batch now, waiting
        alice.close();           // the batch goes with the channel (the leak detector fails the test otherwise)
        later(alice, 100);
        assertThat(lines(alice)).isEmpty();
    }

    @Test
    void aRoomUpToTheLimitHearsEveryoneExactlyAsWithoutALimit() {
        Function<ChatLimits, List<List<String>>> script = limits -> {
            ChatFixture fixture = fixture(limits);
            List<EmbeddedChannel> all = new ArrayList<>();
            List<List<String>> seen = new ArrayList<>();
            for (int i = 0; i < LIMIT; i++) {
                all.add(fixture.connect());
                seen.add(new ArrayList<>());
            }
            Runnable read = () -> {
                for (int i = 0; i < all.size(); i++) {
                    lines(all.get(i)).stream().filter(line -> !line.startsWith("SERVER ")).forEach(seen.get(i)::add);
                }
            };
            type(all.get(0), "/nick alice");
            type(all.get(1), "/nick bob");
            type(all.get(2), "/join dev");
            type(all.get(3), "/hello nick=dave rooms=dev");
            read.run();
            type(all.get(1), "/me waves");
            type(all.get(0), "hi all");
            type(all.get(2), "/part dev");
            type(all.get(3), "/nick dan");
            type(all.get(0), "/who");
            read.run();
            type(all.get(3), "/quit bye");
            all.get(1).close();
            read.run();
            return seen;
        };
        List<List<String>> limited = script.apply(ChatLimits.DEFAULTS.withPresenceLimit(LIMIT));
        List<List<String>> unlimited = script.apply(ChatLimits.DEFAULTS.withPresenceLimit(0));
        assertThat(limited).isEqualTo(unlimited);
        assertThat(limited.get(0)).contains("JOIN lobby guest4", "NICK lobby guest2 bob", "NICK lobby guest4 dave",
                "ACTION lobby bob waves", "QUIT lobby dan bye", "QUIT lobby bob connection closed");
        assertThat(limited).allSatisfy(lines -> assertThat(lines).noneMatch(line -> line.startsWith("PRESENCE ")));
    }

    @Test
    void theArrivalPastTheLimitIsAnnouncedThenEveryoneIsToldOnceAndLaterArrivalsOnlyHearThemselves() {
        ChatFixture fixture = fixture(ChatLimits.DEFAULTS.withPresenceLimit(LIMIT));
        List<EmbeddedChannel> four = guests(fixture, LIMIT);
        EmbeddedChannel fifth = fixture.connect();
        assertThat(lines(fifth)).as("its JOIN, then the notice").endsWith("JOIN lobby guest5", off(5));
        for (EmbeddedChannel member : four) {
            assertThat(lines(member)).containsExactly("JOIN lobby guest5", off(5));
        }
        EmbeddedChannel sixth = fixture.connect();
        List<String> got = lines(sixth);
        assertThat(got).hasSize(4);
        assertThat(got.get(0)).startsWith("WELCOME guest6 lobby ");
        assertThat(got.get(1)).endsWith(" presence-limit=4");
        assertThat(got.subList(2, 4)).as("a guest arriving in a quiet room is told right after its own JOIN")
                .containsExactly("JOIN lobby guest6", off(6));
        assertNothingFor(four);
        assertNothingFor(List.of(fifth));
    }

    @Test
    void inAQuietRoomEveryoneStillGetsItsOwnConfirmationsWhoListsEveryoneAndChatGoesOn() {
        ChatFixture fixture = fixture(ChatLimits.DEFAULTS.withPresenceLimit(LIMIT));
        List<EmbeddedChannel> others = guests(fixture, 5);
        EmbeddedChannel mia = fixture.connect();
        lines(mia);
        EmbeddedChannel friend = others.get(0);
        type(friend, "/join dev");
        type(mia, "/join dev");
        lines(friend);
        lines(mia);

        type(mia, "/nick mia");
        assertThat(lines(mia)).as("one NICK per room, as always").containsExactlyInAnyOrder("NICK lobby guest6 mia",
                "NICK dev guest6 mia");
        assertThat(lines(friend)).as("dev is small: it hears the rename; the lobby does not")
                .containsExactly("NICK dev guest6 mia");
        assertNothingFor(others);

        type(mia, "/switch lobby");
        type(mia, "hello lobby");
        type(mia, "/me waves");
        assertThat(lines(mia)).containsExactly("CURRENT lobby");
        for (EmbeddedChannel other : others) {
            assertThat(lines(other)).containsExactly("MSG lobby mia hello lobby", "ACTION lobby mia waves");
        }

        type(mia, "/who");
        assertThat(lines(mia)).containsExactly("WHO lobby guest1 guest2 guest3 guest4 guest5 mia", "WHOEND lobby 6");

        type(mia, "/part");
        assertThat(lines(mia)).containsExactly("LEAVE lobby mia", "CURRENT dev");
        assertNothingFor(others.subList(1, 5));
        type(mia, "/join lobby");
        assertThat(lines(mia)).as("joining a quiet room: JOIN, the notice, then CURRENT")
                .containsExactly("JOIN lobby mia", off(6), "CURRENT lobby");
        assertNothingFor(others.subList(1, 5));

        type(mia, "/quit bye");
        assertThat(lines(friend)).as("a quit is told to the small room only").containsExactly("QUIT dev mia bye");
        others.get(4).close();
        assertNothingFor(others);
    }

    @Test
    void aQuietRoomIsAnnouncedAgainOnlyAtThreeQuartersOfTheLimitSoItDoesNotFlap() {
        ChatFixture fixture = fixture(ChatLimits.DEFAULTS.withPresenceLimit(LIMIT));
        List<EmbeddedChannel> members = new ArrayList<>(guests(fixture, 6)); // quiet since the fifth
        members.get(5).close();
        members.get(4).close();
        assertNothingFor(members.subList(0, 4)); // 4 left: still quiet, no QUIT
        EmbeddedChannel back = fixture.connect();
        assertThat(lines(back)).endsWith("JOIN lobby guest7", off(5));
        assertNothingFor(members.subList(0, 4));
        back.close();
        members.get(3).close(); // 3 left: announced again, once, and no QUIT for the departure that did it
        List<EmbeddedChannel> three = members.subList(0, 3);
        assertEachGot(three, on(3));

        EmbeddedChannel fourth = fixture.connect();
        assertThat(lines(fourth)).endsWith("JOIN lobby guest8");
        assertEachGot(three, "JOIN lobby guest8");
        EmbeddedChannel fifth = fixture.connect();
        assertThat(lines(fifth)).endsWith("JOIN lobby guest9", off(5));
        List<EmbeddedChannel> four = List.of(members.get(0), members.get(1), members.get(2), fourth);
        assertEachGot(four, "JOIN lobby guest9", off(5));
        for (int i = 0; i < 3; i++) { // between 4 and 5 members: quiet all along, not one notice
            fifth.close();
            fifth = fixture.connect();
            assertThat(lines(fifth)).endsWith(off(5));
        }
        assertNothingFor(four);
        fifth.close();
        fourth.close();
        assertEachGot(three, on(3));
    }

    @Test
    void anArrivalLineIntoAQuietRoomHearsOfItRightAfterItsJoinAndHandlersShareTheState() {
        ChatLimits limits = ChatLimits.DEFAULTS.withPresenceLimit(LIMIT);
        ChatFixture fixture = fixture(limits);
        List<EmbeddedChannel> lobby = guests(fixture, 5);
        EmbeddedChannel dev = fixture.connect();
        type(dev, "/join dev");
        lines(dev);
        // a second handler on the same registries, with an arrival window: the quiet state is the room's
        ChatHandler arriving = new ChatHandler(fixture.rooms, fixture.sessions,
                new LocalDelivery(fixture.rooms, fixture.sessions), "lobby",
                limits.withArrivalWindow(Duration.ofSeconds(1)).withPresenceDelay(Duration.ZERO));
        FrameCodec codec = new FrameCodec(Framing.LINE, 64);
        EmbeddedChannel zed = new EmbeddedChannel(DefaultChannelId.newInstance(), codec.newDecoder(), codec.encoder(),
                ChatTesting.protocol(arriving));
        try {
            type(zed, "/hello nick=zed rooms=dev,lobby");
            List<String> got = lines(zed);
            assertThat(got.get(0)).startsWith("WELCOME zed dev ");
            assertThat(got.subList(2, got.size())).containsExactly("JOIN dev zed", "JOIN lobby zed", off(7));
            assertThat(lines(dev)).containsExactly("JOIN dev zed");
            assertNothingFor(lobby);
        } finally {
            zed.finishAndReleaseAll();
        }
    }

    @Test
    void withoutALimitEveryRoomAnnouncesEverything() {
        ChatFixture fixture = fixture(ChatLimits.DEFAULTS.withPresenceLimit(0));
        EmbeddedChannel first = fixture.connect();
        assertThat(lines(first)).anyMatch(line -> line.startsWith("SERVER ") && line.endsWith(" presence-limit=0"));
        for (int i = 2; i <= 30; i++) {
            fixture.connect();
            assertThat(lines(first)).containsExactly("JOIN lobby guest" + i);
        }
    }

    /**
     * 10,000 guests arriving in the default room, as in a connection storm: announced to everyone that
     * would be 10,000 × 10,001 / 2 = 50 million lines. With the default limit (50) the first 51 are
     * announced to the room, and every later guest hears its own JOIN and the notice only.
     */
    @Test
    void tenThousandGuestsInTheLobbyCostLinesInProportionNotSquared() {
        ChatFixture fixture = fixture(ChatLimits.DEFAULTS);
        int guests = 10_000;
        int limit = ChatLimits.DEFAULT_PRESENCE_LIMIT;
        List<EmbeddedChannel> all = new ArrayList<>(guests);
        long presenceLines = 0;
        for (int i = 0; i < guests; i++) {
            all.add(fixture.connect());
            if (i % 500 == 499 || i == guests - 1) { // read as they go: unread buffers hold paranoid leak records
                for (EmbeddedChannel guest : all) {
                    presenceLines += lines(guest).stream().filter(line -> line.startsWith("JOIN ")
                            || line.startsWith("PRESENCE ")).count();
                }
            }
        }
        long announced = (long) (limit + 1) * (limit + 2) / 2; // the JOINs of guests 1 to 201, each to all then in
        long notices = limit + 1;                               // the notice to the 201 members at the transition
        long alone = 2L * (guests - limit - 1);                 // each later guest: its own JOIN and the notice
        assertThat(presenceLines).isEqualTo(announced + notices + alone).isLessThan(5L * guests);
        assertThat(Presence.isQuiet(fixture.rooms.get("lobby"))).isTrue();
    }
}
