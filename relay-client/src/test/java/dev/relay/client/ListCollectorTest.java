package dev.relay.client;

import static org.assertj.core.api.Assertions.assertThat;

import dev.relay.client.RelayEvent.ProtocolError;
import dev.relay.client.RelayEvent.RoomInfo;
import dev.relay.client.RelayEvent.RoomList;
import dev.relay.client.RelayEvent.WhoList;
import dev.relay.core.chat.ServerLine;
import dev.relay.core.chat.ServerLines;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** The lines of a list answer, as ServerLines writes them, become one event; damaged lists are reported. */
class ListCollectorTest {

    private final ListCollector lists = new ListCollector();

    private List<RelayEvent> feed(List<String> lines) {
        List<RelayEvent> events = new ArrayList<>();
        for (String line : lines) {
            events.addAll(lists.accept(ServerLine.parse(line)));
        }
        return events;
    }

    @Test
    void aWhoAnswerOfManyLinesIsOneWhoListOnItsEndLine() {
        List<String> nicks = IntStream.range(0, 300).mapToObj(i -> "nick" + i).toList();
        List<String> answer = ServerLines.who("dev", nicks, 200);
        assertThat(answer).hasSizeGreaterThan(10);
        assertThat(feed(answer.subList(0, answer.size() - 1))).as("nothing before WHOEND").isEmpty();
        assertThat(feed(answer.subList(answer.size() - 1, answer.size()))).containsExactly(new WhoList("dev", nicks));
        assertThat(feed(ServerLines.who("dev", List.of(), 200))).containsExactly(new WhoList("dev", List.of()));
    }

    @Test
    void aRoomsAnswerOfManyLinesIsOneRoomList() {
        List<String> entries = IntStream.range(0, 300).mapToObj(i -> "room" + i + ":" + (i + 1)).toList();
        List<RoomInfo> rooms = IntStream.range(0, 300).mapToObj(i -> new RoomInfo("room" + i, i + 1)).toList();
        assertThat(feed(ServerLines.rooms(entries, 200))).containsExactly(new RoomList(rooms));
        assertThat(feed(ServerLines.rooms(List.of(), 200))).containsExactly(new RoomList(List.of()));
    }

    @Test
    void aListThatDoesNotAddUpIsReportedThenGivenAsFarAsItCame() {
        assertThat(feed(List.of("WHO dev ann", "WHOEND dev 2")))
                .containsExactly(new ProtocolError("WHOEND dev said 2 nicks, but 1 came"), new WhoList("dev", List.of("ann")));
        assertThat(feed(List.of("WHO dev ann", "WHO lobby bob", "WHOEND lobby 1"))).containsExactly(
                new ProtocolError("the list of #dev ended without WHOEND: a WHO for #lobby came"),
                new WhoList("dev", List.of("ann")), new WhoList("lobby", List.of("bob")));
        assertThat(feed(List.of("ROOMS dev:2 lobby", "ROOMSEND 2"))).containsExactly(
                new ProtocolError("a ROOMS entry is not name:count: 'lobby'"),
                new ProtocolError("ROOMSEND said 2 rooms, but 1 came"), new RoomList(List.of(new RoomInfo("dev", 2))));
        assertThat(feed(List.of("WHO dev ann", "WHOEND dev 1"))).as("and the next list is fine")
                .containsExactly(new WhoList("dev", List.of("ann")));
    }
}
