package dev.relay.core;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.channel.DefaultChannelId;
import io.netty.channel.embedded.EmbeddedChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class RoomRegistryTest {

    private final RoomRegistry rooms = new RoomRegistry();

    private static EmbeddedChannel channel() {
        return new EmbeddedChannel(DefaultChannelId.newInstance());
    }

    @Test
    void aRoomExistsFromItsFirstJoinUntilItsLastLeave() {
        EmbeddedChannel a = channel();
        EmbeddedChannel b = channel();
        assertThat(rooms.get("lobby")).isNull();
        Room lobby = rooms.join("lobby", a);
        assertThat(rooms.join("lobby", b)).isSameAs(lobby);
        assertThat(lobby.size()).isEqualTo(2);
        rooms.leave(lobby, a);
        assertThat(rooms.get("lobby")).isSameAs(lobby);
        rooms.leave(lobby, b);
        assertThat(rooms.get("lobby")).isNull();
        assertThat(rooms.size()).isZero();
        assertThat(rooms.join("lobby", a)).isNotSameAs(lobby);
        assertThat(a.finishAndReleaseAll()).isFalse();
        assertThat(b.finishAndReleaseAll()).isFalse();
    }

    @Test
    void aClosedChannelDropsOutOfItsRoom() {
        EmbeddedChannel a = channel();
        EmbeddedChannel b = channel();
        Room room = rooms.join("dev", a);
        rooms.join("dev", b);
        a.close();
        assertThat(room.members()).containsExactly(b);
        assertThat(rooms.rooms()).extracting(Room::name).containsExactly("dev");
        assertThat(b.finishAndReleaseAll()).isFalse();
    }

    @Test
    void tryJoinRefusesANewRoomOverTheRoomCapAndAFullRoomAndSaysWhich() {
        EmbeddedChannel a = channel();
        EmbeddedChannel b = channel();
        EmbeddedChannel c = channel();
        Room one = ((RoomRegistry.Joined) rooms.tryJoin("one", a, 2, 2)).room();
        assertThat(rooms.tryJoin("one", b, 2, 2)).isEqualTo(new RoomRegistry.Joined(one));
        assertThat(rooms.tryJoin("one", c, 2, 2)).isEqualTo(RoomRegistry.Refused.ROOM_FULL);
        assertThat(rooms.tryJoin("one", a, 2, 2)).as("a member is not one too many").isEqualTo(new RoomRegistry.Joined(one));
        assertThat(rooms.tryJoin("two", c, 2, 2)).isInstanceOf(RoomRegistry.Joined.class);
        assertThat(rooms.tryJoin("three", c, 2, 2)).isEqualTo(RoomRegistry.Refused.TOO_MANY_ROOMS);
        assertThat(rooms.get("three")).isNull();
        rooms.leave(rooms.get("two"), c);
        assertThat(rooms.tryJoin("three", c, 2, 2)).as("a removed room frees its place").isInstanceOf(RoomRegistry.Joined.class);
        rooms.join("four", c);
        assertThat(rooms.tryJoin("five", c, 3, 2)).as("rooms made by join count too").isEqualTo(RoomRegistry.Refused.TOO_MANY_ROOMS);
        assertThat(rooms.size()).isEqualTo(3);
        for (EmbeddedChannel channel : List.of(a, b, c)) {
            assertThat(channel.finishAndReleaseAll()).isFalse();
        }
    }

    @Test
    void concurrentTryJoinsNeverExceedEitherCap() throws Exception {
        int threads = 8;
        int perThread = 200;
        int maxRooms = 10;
        int maxMembers = 25;
        List<List<EmbeddedChannel>> channels = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            List<EmbeddedChannel> mine = new ArrayList<>();
            for (int i = 0; i < perThread; i++) {
                mine.add(channel());
            }
            channels.add(mine);
        }
        Map<RoomRegistry.Refused, AtomicInteger> refused = new ConcurrentHashMap<>();
        Map<String, AtomicInteger> joined = new ConcurrentHashMap<>();
        CyclicBarrier start = new CyclicBarrier(threads);
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                List<EmbeddedChannel> mine = channels.get(t);
                done.add(pool.submit(() -> {
                    start.await();
                    for (int i = 0; i < mine.size(); i++) {
                        String name = "room" + (i % 20); // 20 names for 10 rooms; 80 channels for the 25 places of each
                        RoomRegistry.JoinResult result = rooms.tryJoin(name, mine.get(i), maxRooms, maxMembers);
                        if (result instanceof RoomRegistry.Joined) {
                            joined.computeIfAbsent(name, key -> new AtomicInteger()).incrementAndGet();
                        } else {
                            refused.computeIfAbsent((RoomRegistry.Refused) result, key -> new AtomicInteger()).incrementAndGet();
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> future : done) {
                future.get(30, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(rooms.size()).isEqualTo(maxRooms);
        assertThat(joined).hasSize(maxRooms);
        joined.forEach((name, count) -> {
            assertThat(count.get()).as(name).isEqualTo(maxMembers);
            assertThat(rooms.get(name).size()).as(name).isEqualTo(maxMembers);
        });
        assertThat(refused.get(RoomRegistry.Refused.ROOM_FULL).get()).isEqualTo(maxRooms * (80 - maxMembers));
        assertThat(refused.get(RoomRegistry.Refused.TOO_MANY_ROOMS).get()).isEqualTo((20 - maxRooms) * 80);
        channels.forEach(mine -> mine.forEach(EmbeddedChannel::finishAndReleaseAll));
    }

    @Test
    void roomsAreListedByName() {
        EmbeddedChannel a = channel();
        rooms.join("zeta", a);
        rooms.join("alpha", a);
        assertThat(rooms.rooms()).extracting(Room::name).containsExactly("alpha", "zeta");
        assertThat(a.finishAndReleaseAll()).isFalse();
    }
}
