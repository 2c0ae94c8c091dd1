package dev.relay.client;

import static org.assertj.core.api.Assertions.assertThat;

import dev.relay.core.chat.ErrorCode;
import dev.relay.core.chat.ServerLine;
import dev.relay.core.chat.ServerLines;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Every line the server writes (ServerLines) becomes the right event. */
class RelayEventTest {

    private static RelayEvent of(String line) {
        return RelayEvent.of(ServerLine.parse(line));
    }

    @Test
    void everyKindMapsToItsEvent() {
        assertThat(of(ServerLines.message("dev", "bob", "hi  there"))).isEqualTo(new RelayEvent.ChatMessage("dev", "bob", "hi  there"));
        assertThat(of(ServerLines.action("dev", "bob", "waves"))).isEqualTo(new RelayEvent.Action("dev", "bob", "waves"));
        assertThat(of(ServerLines.privateMessage("bob", "psst"))).isEqualTo(new RelayEvent.PrivateMessage("bob", "psst"));
        assertThat(of(ServerLines.join("dev", "bob"))).isEqualTo(new RelayEvent.Joined("dev", "bob"));
        assertThat(of(ServerLines.leave("dev", "bob"))).isEqualTo(new RelayEvent.Left("dev", "bob"));
        assertThat(of(ServerLines.nick("dev", "bob", "rob"))).isEqualTo(new RelayEvent.NickChanged("dev", "bob", "rob"));
        assertThat(of(ServerLines.quit("dev", "bob", "connection closed")))
                .isEqualTo(new RelayEvent.Quit("dev", "bob", "connection closed"));
        assertThat(ServerLines.rooms(List.of("dev:2"), 4096)).as("list lines are collected, not events").allSatisfy(
                line -> assertThat(of(line)).isNull());
        assertThat(ServerLines.who("dev", List.of("ann"), 4096)).allSatisfy(line -> assertThat(of(line)).isNull());
        assertThat(of(ServerLines.info("Hello"))).isEqualTo(new RelayEvent.Notice("Hello"));
        assertThat(of(ServerLines.error(ErrorCode.NO_SUCH_NICK, "No one")))
                .isEqualTo(new RelayEvent.ErrorReply(ErrorCode.NO_SUCH_NICK, "no-such-nick", "No one"));
        assertThat(of("ERR brand-new-code Something")).isEqualTo(new RelayEvent.ErrorReply(null, "brand-new-code", "Something"));
        assertThat(of(ServerLines.bye("Server going down"))).isEqualTo(new RelayEvent.Bye("Server going down"));
        assertThat(of(ServerLines.welcome("bob", "lobby"))).isNull();
        assertThat(of(ServerLines.pong("t"))).isNull();
        assertThat(of(ServerLines.presenceOff("dev", 201, 200))).isEqualTo(new RelayEvent.PresenceChanged("dev", true, 201));
        assertThat(of(ServerLines.presenceOn("dev", 150))).isEqualTo(new RelayEvent.PresenceChanged("dev", false, 150));
        assertThat(of("PRESENCE dev on 3")).as("the text is for humans only").isEqualTo(
                new RelayEvent.PresenceChanged("dev", false, 3));
    }

    @Test
    void aPresenceLineWithAnUnknownStateOrABadCountIsAProtocolError() {
        assertThat(of("PRESENCE dev maybe 3 who knows")).isEqualTo(new RelayEvent.ProtocolError(
                "a PRESENCE line with a state that is neither on nor off: 'PRESENCE dev maybe 3 who knows'"));
        assertThat(of("PRESENCE dev off many")).isEqualTo(new RelayEvent.ProtocolError(
                "a PRESENCE line whose member count is not a number: 'PRESENCE dev off many'"));
    }
}
