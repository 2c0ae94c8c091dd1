package dev.relay.core.chat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.relay.core.chat.ServerLine.Kind;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Every line {@link ServerLines} writes reads back through {@link ServerLine#parse}. */
class ServerLineTest {

    private static final Map<String, ServerLine> WRITTEN_AND_READ = Map.ofEntries(
            Map.entry(ServerLines.welcome("bob", "lobby"),
                    new ServerLine(Kind.WELCOME, List.of("bob", "lobby"),
                            ServerLines.welcome("bob", "lobby").substring("WELCOME bob lobby ".length()))),
            Map.entry(ServerLines.server(new java.util.LinkedHashMap<>(Map.of("protocol", 2))),
                    new ServerLine(Kind.SERVER, List.of(), "protocol=2")),
            Map.entry(ServerLines.current("dev"), new ServerLine(Kind.CURRENT, List.of("dev"), "")),
            Map.entry(ServerLines.message("dev", "bob", "hi  there "), new ServerLine(Kind.MSG, List.of("dev", "bob"), "hi  there ")),
            Map.entry(ServerLines.action("dev", "bob", "waves"), new ServerLine(Kind.ACTION, List.of("dev", "bob"), "waves")),
            Map.entry(ServerLines.privateMessage("bob", "psst"), new ServerLine(Kind.PRIV, List.of("bob"), "psst")),
            Map.entry(ServerLines.join("dev", "bob"), new ServerLine(Kind.JOIN, List.of("dev", "bob"), "")),
            Map.entry(ServerLines.leave("dev", "bob"), new ServerLine(Kind.LEAVE, List.of("dev", "bob"), "")),
            Map.entry(ServerLines.nick("dev", "bob", "rob"), new ServerLine(Kind.NICK, List.of("dev", "bob", "rob"), "")),
            Map.entry(ServerLines.quit("dev", "bob", "connection closed"),
                    new ServerLine(Kind.QUIT, List.of("dev", "bob"), "connection closed")),
            Map.entry(ServerLines.presenceOff("dev", 201, 200), new ServerLine(Kind.PRESENCE, List.of("dev", "off", "201"),
                    "#dev has more than 200 members: arrivals, departures and renames there are no longer announced "
                            + "(/who lists everyone)")),
            Map.entry(ServerLines.presenceOn("dev", 150), new ServerLine(Kind.PRESENCE, List.of("dev", "on", "150"),
                    "#dev is down to 150 members: arrivals, departures and renames there are announced again "
                            + "(/who lists everyone)")),
            Map.entry(ServerLines.rooms(List.of("dev:2", "lobby:1"), 4096).get(0), new ServerLine(Kind.ROOMS, List.of(), "dev:2 lobby:1")),
            Map.entry(ServerLines.rooms(List.of("dev:2", "lobby:1"), 4096).get(1), new ServerLine(Kind.ROOMSEND, List.of("2"), "")),
            Map.entry(ServerLines.rooms(List.of(), 4096).get(0), new ServerLine(Kind.ROOMS, List.of(), "")),
            Map.entry(ServerLines.who("dev", List.of("ann", "bob"), 4096).get(0), new ServerLine(Kind.WHO, List.of("dev"), "ann bob")),
            Map.entry(ServerLines.who("dev", List.of("ann", "bob"), 4096).get(1), new ServerLine(Kind.WHOEND, List.of("dev", "2"), "")),
            Map.entry(ServerLines.who("dev", List.of(), 4096).get(0), new ServerLine(Kind.WHO, List.of("dev"), "")),
            Map.entry(ServerLines.info("Hello"), new ServerLine(Kind.INFO, List.of(), "Hello")),
            Map.entry(ServerLines.error(ErrorCode.NICK_TAKEN, "taken"), new ServerLine(Kind.ERR, List.of("nick-taken"), "taken")),
            Map.entry(ServerLines.pong("t1"), new ServerLine(Kind.PONG, List.of(), "t1")),
            Map.entry(ServerLines.pong(""), new ServerLine(Kind.PONG, List.of(), "")),
            Map.entry(ServerLines.bye("Goodbye"), new ServerLine(Kind.BYE, List.of(), "Goodbye")));

    @Test
    void everyWrittenLineParsesBackAndPrintsTheSame() {
        Set<Kind> covered = EnumSet.noneOf(Kind.class);
        WRITTEN_AND_READ.forEach((written, expected) -> {
            ServerLine parsed = ServerLine.parse(written);
            assertThat(parsed).as(written).isEqualTo(expected);
            assertThat(parsed.toString()).isEqualTo(written);
            covered.add(parsed.kind());
        });
        assertThat(covered).containsExactlyInAnyOrder(Kind.values());
    }

    @Test
    void errorCodesRoundTripThroughTheirWireWords() {
        for (ErrorCode code : ErrorCode.values()) {
            assertThat(code.word()).matches("[a-z-]+");
            assertThat(ErrorCode.fromWord(code.word())).isEqualTo(code);
        }
    }

    @Test
    void unknownKindsAndMissingArgumentsAreRefused() {
        assertThatThrownBy(() -> ServerLine.parse("HELLO there")).hasMessageContaining("unknown server line kind");
        assertThatThrownBy(() -> ServerLine.parse("MSG lobby")).hasMessageContaining("lacks argument 2");
        assertThatThrownBy(() -> ServerLine.parse("")).isInstanceOf(IllegalArgumentException.class);
    }
}
