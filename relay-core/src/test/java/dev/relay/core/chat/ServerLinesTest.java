package dev.relay.core.chat;

import static org.assertj.core.api.Assertions.assertThat;

import dev.relay.core.chat.ServerLine.Kind;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** The answers to {@code /who} and {@code /rooms} come in lines a client accepts, however long the list. */
class ServerLinesTest {

    private static List<String> nicks(int count) {
        return IntStream.rangeClosed(1, count).mapToObj(i -> "member_" + i).toList();
    }

    /** Checks the answer's shape and returns the listed items in order. */
    private static List<String> listed(List<String> answer, Kind kind, Kind end, List<String> endArgs, int maxLineBytes) {
        assertThat(answer).hasSizeGreaterThanOrEqualTo(2);
        List<String> items = new ArrayList<>();
        for (int i = 0; i < answer.size(); i++) {
            String written = answer.get(i);
            assertThat(written.getBytes(StandardCharsets.UTF_8).length).as(written).isLessThanOrEqualTo(maxLineBytes);
            ServerLine line = ServerLine.parse(written);
            if (i < answer.size() - 1) {
                assertThat(line.kind()).isEqualTo(kind);
                if (!line.text().isEmpty()) {
                    items.addAll(List.of(line.text().split(" ")));
                }
            } else {
                assertThat(line.kind()).isEqualTo(end);
                assertThat(line.args()).isEqualTo(endArgs);
                assertThat(line.text()).isEmpty();
            }
        }
        return items;
    }

    @Test
    void theLineLimitIsThreeFramesAndAHundredBytesUpTo4096() {
        assertThat(ServerLines.maxListLineBytes(1)).isEqualTo(103);
        assertThat(ServerLines.maxListLineBytes(64)).isEqualTo(292);
        assertThat(ServerLines.maxListLineBytes(1332)).isEqualTo(4096);
        assertThat(ServerLines.maxListLineBytes(8192)).isEqualTo(4096);
        assertThat(ServerLines.maxListLineBytes(Integer.MAX_VALUE - 8)).isEqualTo(4096);
    }

    @Test
    void aLongWhoIsSplitIntoFullLinesAtASmallFrameLimit() {
        int max = ServerLines.maxListLineBytes(10); // 130 bytes
        List<String> nicks = nicks(100);
        List<String> answer = ServerLines.who("dev", nicks, max);
        assertThat(listed(answer, Kind.WHO, Kind.WHOEND, List.of("dev", "100"), max)).isEqualTo(nicks);
        assertThat(answer).hasSize(10);
        for (int i = 0; i < answer.size() - 2; i++) {
            String next = answer.get(i + 1).split(" ")[2];
            assertThat(answer.get(i).length() + 1 + next.length()).as("line %d is full", i).isGreaterThan(max);
        }
        assertThat(answer.get(0)).startsWith("WHO dev member_1 member_2 ");
    }

    @Test
    void aRoomOf5000MembersAnd5000RoomsFitIn4096ByteLines() {
        int max = ServerLines.maxListLineBytes(8192);
        List<String> nicks = IntStream.rangeClosed(1, 5000).mapToObj(i -> "n" + i + "_".repeat(i % 19)).toList();
        List<String> who = ServerLines.who("lobby", nicks, max);
        assertThat(listed(who, Kind.WHO, Kind.WHOEND, List.of("lobby", "5000"), max)).isEqualTo(nicks);

        List<String> rooms = IntStream.rangeClosed(1, 5001).mapToObj(i -> "room-number-" + i + ":" + i).toList();
        List<String> answer = ServerLines.rooms(rooms, max);
        assertThat(listed(answer, Kind.ROOMS, Kind.ROOMSEND, List.of("5001"), max)).isEqualTo(rooms);
        assertThat(answer).hasSizeGreaterThan(25);
    }

    @Test
    void emptyListsAreOneEmptyLineAndACountOfZero() {
        assertThat(ServerLines.who("dev", List.of(), 4096)).containsExactly("WHO dev", "WHOEND dev 0");
        assertThat(ServerLines.rooms(List.of(), 4096)).containsExactly("ROOMS", "ROOMSEND 0");
        assertThat(ServerLines.who("dev", List.of("ann", "bob"), 4096)).containsExactly("WHO dev ann bob", "WHOEND dev 2");
    }

    @Test
    void anItemTooLongForAnyLineGetsItsOwnLineAndIsNotLost() {
        assertThat(ServerLines.rooms(List.of("a:1", "b".repeat(20) + ":1", "c:1"), 12))
                .containsExactly("ROOMS a:1", "ROOMS " + "b".repeat(20) + ":1", "ROOMS c:1", "ROOMSEND 3");
    }
}
