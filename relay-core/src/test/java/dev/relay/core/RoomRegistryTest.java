package dev.relay.core;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.channel.DefaultChannelId;
import io.netty.channel.embedded.EmbeddedChannel;
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
    void roomsAreListedByName() {
        EmbeddedChannel a = channel();
        rooms.join("zeta", a);
        rooms.join("alpha", a);
        assertThat(rooms.rooms()).extracting(Room::name).containsExactly("alpha", "zeta");
        assertThat(a.finishAndReleaseAll()).isFalse();
    }
}
