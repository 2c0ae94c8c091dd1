package dev.relay.core.chat;

import static org.assertj.core.api.Assertions.assertThat;

import dev.relay.core.Room;
import dev.relay.core.RoomRegistry;
import io.netty.channel.DefaultChannelId;
import io.netty.channel.embedded.EmbeddedChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The room caps hold when many connections join at once, on as many threads: no room gets more members
 * than allowed, the server no more rooms, and each refused connection is told why.
 *
 * <p>The connections are EmbeddedChannels without a frame codec, so room traffic skips them (no thread
 * ever writes to another thread's channel) while their own replies arrive as strings. Each thread
 * drives only its own channels; the registries are shared.
 */
class RoomLimitsConcurrencyTest {

    private static final int THREADS = 8;
    private static final int PER_THREAD = 200;

    private final RoomRegistry rooms = new RoomRegistry();
    private final SessionRegistry sessions = new SessionRegistry();
    private final Delivery delivery = new LocalDelivery(rooms, sessions);
    private final ChannelThreads threads = new ChannelThreads(THREADS, PER_THREAD);
    /** Channel i of thread t is {@code channels[t][i]}. */
    private final EmbeddedChannel[][] channels = threads.channels;

    @AfterEach
    void closeAll() {
        threads.close();
    }

    private ChatHandler handler(String defaultRoom, ChatLimits limits) {
        return new ChatHandler(rooms, sessions, delivery, defaultRoom, limits.withArrivalWindow(Duration.ZERO)
                .withPresenceDelay(Duration.ZERO));
    }

    private static void type(EmbeddedChannel channel, String line) {
        ChannelThreads.type(channel, line);
    }

    /** Its replies, but the SERVER line after each WELCOME, which is the same for all. */
    private static List<String> replies(EmbeddedChannel channel) {
        return ChannelThreads.replies(channel, line -> !line.startsWith("SERVER "));
    }

    private static String roomOf(EmbeddedChannel channel) {
        Session session = Session.of(channel);
        Room room = session == null ? null : session.room();
        return room == null ? "-" : room.name();
    }

    private void onAllThreads(ChannelThreads.PerThread task) throws Exception {
        threads.onAll(task);
    }

    @Test
    void connectionsToFullDefaultRoomsAreRefusedAndTheRoomsHoldTheirCap() throws Exception {
        ChatLimits limits = new ChatLimits(10_000, 10);
        // 80 default rooms of 10 places; every thread connects to them in the same order, so they race
        ChatHandler[] handlers = new ChatHandler[80];
        for (int r = 0; r < handlers.length; r++) {
            handlers[r] = handler("d" + r, limits);
        }
        onAllThreads(t -> {
            for (int i = 0; i < PER_THREAD; i++) {
                channels[t][i] = new EmbeddedChannel(DefaultChannelId.newInstance(), ChatTesting.protocol(handlers[i % handlers.length]));
            }
        });
        int welcomed = 0;
        for (int t = 0; t < THREADS; t++) {
            for (int i = 0; i < PER_THREAD; i++) {
                EmbeddedChannel channel = channels[t][i];
                List<String> replies = replies(channel);
                if (replies.get(0).startsWith("WELCOME ")) {
                    welcomed++;
                    assertThat(roomOf(channel)).isEqualTo("d" + (i % handlers.length));
                    assertThat(replies).as("WELCOME, then its own JOIN").hasSize(2)
                            .endsWith("JOIN " + roomOf(channel) + " " + Session.of(channel).nick());
                } else {
                    assertThat(replies).hasSize(1);
                    assertThat(replies.get(0)).isEqualTo("ERR room-full #d" + (i % handlers.length)
                            + " has its maximum of 10 members");
                    assertThat(channel.isOpen()).isFalse();
                    assertThat(Session.of(channel)).as("no session, no nick taken").isNull();
                }
            }
        }
        for (int r = 0; r < handlers.length; r++) {
            assertThat(rooms.get("d" + r).size()).as("d%d", r).isEqualTo(10);
        }
        assertThat(welcomed).isEqualTo(800);
        assertThat(sessions.size()).isEqualTo(800);
    }

    @Test
    void concurrentJoinsOfAFillingRoomNeverOverfillIt() throws Exception {
        ChatLimits limits = new ChatLimits(10_000, 10);
        // each thread's channels start in homes of their own, ten to a home
        onAllThreads(t -> {
            for (int home = 0; home < PER_THREAD / 10; home++) {
                ChatHandler chat = handler("h" + t + "-" + home, limits);
                for (int k = 0; k < 10; k++) {
                    channels[t][home * 10 + k] = new EmbeddedChannel(DefaultChannelId.newInstance(), ChatTesting.protocol(chat));
                }
            }
        });
        for (EmbeddedChannel[] mine : channels) {
            for (EmbeddedChannel channel : mine) {
                List<String> replies = replies(channel);
                assertThat(replies).hasSize(2);
                assertThat(replies.get(0)).startsWith("WELCOME ");
            }
        }
        // then all of them join 80 rooms of 10 places, every thread in the same order
        onAllThreads(t -> {
            for (int i = 0; i < PER_THREAD; i++) {
                type(channels[t][i], "/join t" + (i % 80));
            }
        });
        int joined = 0;
        for (int t = 0; t < THREADS; t++) {
            for (int i = 0; i < PER_THREAD; i++) {
                EmbeddedChannel channel = channels[t][i];
                List<String> replies = replies(channel);
                if (roomOf(channel).equals("t" + (i % 80))) {
                    joined++;
                    assertThat(replies).as("its own JOIN is the answer, then CURRENT")
                            .containsExactly("JOIN t" + (i % 80) + " " + Session.of(channel).nick(), "CURRENT t" + (i % 80));
                } else {
                    assertThat(roomOf(channel)).isEqualTo("h" + t + "-" + (i / 10));
                    assertThat(replies).containsExactly("ERR room-full #t" + (i % 80) + " has its maximum of 10 members");
                }
            }
        }
        for (int r = 0; r < 80; r++) {
            assertThat(rooms.get("t" + r).size()).as("t%d", r).isEqualTo(10);
        }
        assertThat(joined).isEqualTo(800);
    }

    @Test
    void concurrentJoinsOfNewRoomsNeverMakeMoreThanTheRoomCap() throws Exception {
        ChatLimits limits = new ChatLimits(20, 10_000);
        ChatHandler chat = handler("lobby", limits);
        for (EmbeddedChannel[] mine : channels) {
            for (int i = 0; i < PER_THREAD; i++) {
                mine[i] = new EmbeddedChannel(DefaultChannelId.newInstance(), ChatTesting.protocol(chat));
                replies(mine[i]);
            }
        }
        // twenty rounds: 80 channels at once ask for a new room each, with room for 19 next to the lobby;
        // then the ones that got one come back, and their rooms go
        for (int round = 0; round < 20; round++) {
            int first = round * (PER_THREAD / 20);
            int last = first + PER_THREAD / 20;
            onAllThreads(t -> {
                for (int i = first; i < last; i++) {
                    type(channels[t][i], "/join r" + t + "-" + i);
                }
            });
            assertThat(rooms.size()).as("round %d", round).isEqualTo(20);
            List<EmbeddedChannel> moved = new ArrayList<>();
            for (int t = 0; t < THREADS; t++) {
                for (int i = first; i < last; i++) {
                    EmbeddedChannel channel = channels[t][i];
                    List<String> replies = replies(channel);
                    if (roomOf(channel).equals("lobby")) {
                        assertThat(replies).singleElement().asString().isEqualTo("ERR too-many-rooms The server has its"
                                + " maximum of 20 rooms; join an existing one (/rooms lists them)");
                    } else {
                        assertThat(roomOf(channel)).isEqualTo("r" + t + "-" + i);
                        moved.add(channel);
                    }
                }
            }
            assertThat(moved).as("round %d", round).hasSize(19);
            for (EmbeddedChannel channel : moved) {
                String left = roomOf(channel);
                type(channel, "/part");
                assertThat(replies(channel)).containsExactly("LEAVE " + left + " " + Session.of(channel).nick(),
                        "CURRENT lobby");
            }
            assertThat(rooms.size()).isEqualTo(1);
        }
    }
}
