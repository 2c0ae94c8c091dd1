package dev.relay.core.chat;

import static org.assertj.core.api.Assertions.assertThat;

import dev.relay.core.Room;
import dev.relay.core.RoomRegistry;
import io.netty.channel.Channel;
import io.netty.channel.DefaultChannelId;
import io.netty.channel.embedded.EmbeddedChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Many threads join and leave one room at once, as event loops do: the room turns quiet and is
 * announced again exactly once per crossing, each notice is said once to the room, and every arrival
 * and departure is either announced to the room or told to its member alone, by the room's state as it
 * was just before it.
 *
 * <p>As in {@link RoomLimitsConcurrencyTest}, the connections are EmbeddedChannels without a frame codec:
 * room traffic skips them (no thread writes to another's channel), their own replies arrive as strings,
 * and what is said to a room is recorded by the {@link Delivery}. Each thread drives its own channels.
 */
class PresenceConcurrencyTest {

    private static final int THREADS = 8;
    private static final int PER_THREAD = 100;

    private final RoomRegistry rooms = new RoomRegistry();
    private final SessionRegistry sessions = new SessionRegistry();
    /** Every line said to a room: "room line". */
    private final Queue<String> saidToRooms = new ConcurrentLinkedQueue<>();
    private final Delivery delivery = new Delivery() {
        private final Delivery local = new LocalDelivery(rooms, sessions);

        @Override
        public void toRoom(String room, @Nullable Channel except, CharSequence line) {
            saidToRooms.add(room + ' ' + line);
            local.toRoom(room, except, line);
        }

        @Override
        public boolean toUser(String nick, CharSequence line) {
            return local.toUser(nick, line);
        }
    };
    private final ChannelThreads threads = new ChannelThreads(THREADS, PER_THREAD);
    private final EmbeddedChannel[][] channels = threads.channels;
    private final List<EmbeddedChannel> others = new ArrayList<>();

    @AfterEach
    void closeAll() {
        threads.close();
        others.forEach(EmbeddedChannel::finishAndReleaseAll);
    }

    /** Every channel a guest in a home room of its thread's, with presence limit {@code limit}. */
    private void connectAll(int limit) {
        ChatLimits limits = ChatLimits.DEFAULTS.withPresenceLimit(limit).withArrivalWindow(Duration.ZERO)
                .withPresenceDelay(Duration.ZERO);
        for (int t = 0; t < THREADS; t++) {
            ChatHandler chat = new ChatHandler(rooms, sessions, delivery, "home" + t, limits);
            for (int i = 0; i < PER_THREAD; i++) {
                channels[t][i] = new EmbeddedChannel(DefaultChannelId.newInstance(), ChatTesting.protocol(chat));
                replies(channels[t][i]);
            }
        }
        saidToRooms.clear();
    }

    private static void type(EmbeddedChannel channel, String line) {
        ChannelThreads.type(channel, line);
    }

    private static List<String> replies(EmbeddedChannel channel) {
        return ChannelThreads.replies(channel, line -> true);
    }

    private void onAllThreads(ChannelThreads.PerThread task) throws Exception {
        threads.onAll(task);
    }

    private List<String> saidTo(String room, String kind) {
        return saidToRooms.stream().filter(line -> line.startsWith(room + ' ' + kind + ' ')).toList();
    }

    @Test
    void eightHundredJoinsAtOnceTurnTheRoomQuietOnceAndLeavingAtOnceAnnouncesItAgainOnce() throws Exception {
        connectAll(50); // quiet at 51, announced again at 37
        onAllThreads(t -> {
            for (int i = 0; i < PER_THREAD; i++) {
                type(channels[t][i], "/join big");
            }
        });
        assertThat(saidTo("big", "PRESENCE")).as("one notice, to the room, from the arrival that made it quiet")
                .singleElement().asString().startsWith("big PRESENCE big off 51 ");
        assertThat(saidTo("big", "JOIN")).as("arrivals up to and with the 51st").hasSize(51);
        List<Integer> toldAlone = new ArrayList<>();
        for (EmbeddedChannel[] mine : channels) {
            for (EmbeddedChannel channel : mine) {
                List<String> replies = replies(channel);
                String nick = Session.of(channel).nick();
                if (replies.size() == 2) {
                    // announced: its own JOIN comes as the answer, the room's copy went to the others
                    assertThat(replies).containsExactly("JOIN big " + nick, "CURRENT big");
                } else {
                    assertThat(replies).hasSize(3);
                    assertThat(replies.get(0)).isEqualTo("JOIN big " + nick);
                    ServerLine notice = ServerLine.parse(replies.get(1));
                    assertThat(notice.kind()).isEqualTo(ServerLine.Kind.PRESENCE);
                    assertThat(notice.args().subList(0, 2)).containsExactly("big", "off");
                    toldAlone.add(Integer.parseInt(notice.arg(2)));
                    assertThat(replies.get(2)).isEqualTo("CURRENT big");
                }
            }
        }
        assertThat(toldAlone).as("the 52nd to the 800th arrival, each told alone with the count it made")
                .hasSize(749).doesNotHaveDuplicates().allMatch(members -> members >= 52 && members <= 800);
        Room big = rooms.get("big");
        assertThat(Presence.isQuiet(big)).isTrue();
        assertThat(big.presenceState().get() >>> 1).isEqualTo(800);

        saidToRooms.clear();
        onAllThreads(t -> {
            for (int i = 0; i < PER_THREAD; i++) {
                type(channels[t][i], "/part big");
            }
        });
        assertThat(saidTo("big", "PRESENCE")).as("one notice, from the departure that took it down to 37")
                .singleElement().asString().startsWith("big PRESENCE big on 37 ");
        assertThat(saidTo("big", "LEAVE")).as("the departures after it").hasSize(37);
        for (EmbeddedChannel[] mine : channels) {
            for (EmbeddedChannel channel : mine) {
                List<String> replies = replies(channel);
                assertThat(replies).as("each its own LEAVE, announced to the room or not").hasSize(2);
                assertThat(replies.get(0)).isEqualTo("LEAVE big " + Session.of(channel).nick());
                assertThat(replies.get(1)).startsWith("CURRENT home");
            }
        }
        assertThat(rooms.get("big")).isNull();
    }

    @Test
    void aRoomChurnedFromEveryThreadIsToldOfEachTransitionOnceAndEndsAsItsCountSays() throws Exception {
        connectAll(30); // quiet at 31, announced again at 22
        ChatHandler anchorChat = new ChatHandler(rooms, sessions, delivery, "big",
                ChatLimits.DEFAULTS.withPresenceLimit(30).withArrivalWindow(Duration.ZERO)
                        .withPresenceDelay(Duration.ZERO));
        EmbeddedChannel anchor = new EmbeddedChannel(DefaultChannelId.newInstance(), ChatTesting.protocol(anchorChat));
        others.add(anchor);
        Room big = rooms.get("big");
        saidToRooms.clear();
        onAllThreads(t -> {
            for (int round = 0; round < 20; round++) {
                for (int i = 0; i < PER_THREAD / 2; i++) { // each thread alone takes the room past the limit
                    type(channels[t][i], "/join big");
                }
                for (int i = 0; i < PER_THREAD / 2; i++) {
                    type(channels[t][i], "/part big");
                }
            }
        });
        List<String> notices = saidTo("big", "PRESENCE");
        long off = notices.stream().filter(line -> line.startsWith("big PRESENCE big off ")).count();
        long on = notices.stream().filter(line -> line.startsWith("big PRESENCE big on ")).count();
        // each thread, having joined its 50, saw the room past the limit; all gone, it is down to the anchor
        assertThat(off).as("it went quiet, and was announced again exactly as often").isPositive().isEqualTo(on);
        assertThat(notices).allSatisfy(line -> {
            ServerLine notice = ServerLine.parse(line.substring("big ".length()));
            int members = Integer.parseInt(notice.arg(2));
            if (notice.arg(1).equals("off")) {
                assertThat(members).isEqualTo(31); // the arrival that crossed the limit, never a later one
            } else {
                assertThat(members).isEqualTo(22);
            }
        });
        assertThat(rooms.get("big")).isSameAs(big);
        assertThat(big.presenceState().get()).as("the anchor alone, announced").isEqualTo(1 << 1);
        assertThat(Presence.isQuiet(big)).isFalse();
    }
}
