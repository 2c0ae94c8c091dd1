package dev.relay.client;

import dev.relay.core.chat.ErrorCode;
import dev.relay.core.chat.ServerLine;
import dev.relay.core.chat.ServerLines;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Something a {@link RelayClient} saw: a line from the server (parsed per PROTOCOL.md) or a change of
 * the connection's state. A {@code switch} over the permitted records covers every case.
 */
public sealed interface RelayEvent {

    /**
     * The session is set up: welcomed with {@code nick}, in {@code rooms} (in the order joined), of which
     * {@code room} is current.
     */
    record Connected(String nick, String room, List<String> rooms) implements RelayEvent { }

    /** The connection was lost or closed; {@code reconnecting} says whether the client will try again. */
    record Disconnected(String reason, boolean reconnecting) implements RelayEvent { }

    /**
     * After a lost connection, the client is back, with its nick, rooms and current room restored where
     * possible (an {@link ErrorReply} before this event says what could not be).
     */
    record Reconnected(String nick, String room, List<String> rooms) implements RelayEvent { }

    /** {@code CURRENT}: this client's current room (where {@link RelayClient#send} goes) is now {@code room}. */
    record CurrentRoom(String room) implements RelayEvent { }

    /** {@code MSG}: {@code nick} said {@code text} in {@code room}. */
    record ChatMessage(String room, String nick, String text) implements RelayEvent { }

    /** {@code ACTION}: {@code nick} did {@code /me text} in {@code room}. */
    record Action(String room, String nick, String text) implements RelayEvent { }

    /** {@code PRIV}: {@code from} sent {@code text} to this client only. */
    record PrivateMessage(String from, String text) implements RelayEvent { }

    /** {@code JOIN}: {@code nick} (maybe this client) entered {@code room}. */
    record Joined(String room, String nick) implements RelayEvent { }

    /** {@code LEAVE}: {@code nick} (maybe this client) left {@code room} ({@code /part}). */
    record Left(String room, String nick) implements RelayEvent { }

    /** {@code NICK}: {@code oldNick} (maybe this client) is now {@code newNick}. */
    record NickChanged(String room, String oldNick, String newNick) implements RelayEvent { }

    /** {@code QUIT}: {@code nick} disconnected from the server. */
    record Quit(String room, String nick, String reason) implements RelayEvent { }

    /**
     * {@code PRESENCE}: the server stopped ({@code quiet}) or resumed announcing the arrivals, departures
     * and renames of others in {@code room}, which had {@code members} members then (PROTOCOL.md, "Big
     * rooms"). While a room is quiet this client still gets its own {@link Joined}, {@link Left} and
     * {@link NickChanged}, and every {@link ChatMessage} and {@link Action}, but no {@link Quit} at all,
     * so a member list kept from those events is incomplete; {@link RelayClient#quietRooms()} says which
     * rooms are quiet. When {@code quiet} is {@code false}, a client that keeps a member list should ask
     * for it again with {@code command("/who " + room)} (the server does not send it by itself).
     */
    record PresenceChanged(String room, boolean quiet, int members) implements RelayEvent { }

    /**
     * {@code ROOMS} ... {@code ROOMSEND}: the rooms and their member counts, as answered to {@code /rooms};
     * one event for the whole answer, however many lines it took.
     */
    record RoomList(List<RoomInfo> rooms) implements RelayEvent { }

    /** One entry of a {@link RoomList}. */
    record RoomInfo(String name, int members) { }

    /**
     * {@code WHO} ... {@code WHOEND}: who is in {@code room}, sorted case-insensitively; one event for the
     * whole answer, however many lines it took.
     */
    record WhoList(String room, List<String> nicks) implements RelayEvent { }

    /** {@code INFO}: a notice for humans (help text, server notices). */
    record Notice(String text) implements RelayEvent { }

    /**
     * {@code ERR}: the server refused a line of this client's. {@code code} is {@code null} for a code
     * this client version does not know; {@code codeWord} is always the word as sent.
     */
    record ErrorReply(@Nullable ErrorCode code, String codeWord, String text) implements RelayEvent { }

    /** {@code BYE}: the server is about to close the connection. */
    record Bye(String text) implements RelayEvent { }

    /**
     * Something the server sent was lost or could not be read, and {@code message} says what: a line
     * longer than this client accepts (3 × {@link RelayClientConfig#maxFrameLength()} + 256 bytes),
     * which was discarded; a line of a known kind that breaks its format; a list whose end line does not
     * match the lines that came. The connection goes on. (Lines of a kind this client does not know are
     * ignored without an event, as PROTOCOL.md asks.)
     */
    record ProtocolError(String message) implements RelayEvent { }

    /**
     * The event for one server line, or {@code null} for lines that are not events by themselves:
     * {@code WELCOME}, {@code SERVER} and {@code PONG} are handled by the client itself, and the lines of a list
     * ({@code WHO}, {@code WHOEND}, {@code ROOMS}, {@code ROOMSEND}) are put together by a
     * {@link ListCollector}.
     */
    static @Nullable RelayEvent of(ServerLine line) {
        return switch (line.kind()) {
            case MSG -> new ChatMessage(line.arg(0), line.arg(1), line.text());
            case ACTION -> new Action(line.arg(0), line.arg(1), line.text());
            case PRIV -> new PrivateMessage(line.arg(0), line.text());
            case JOIN -> new Joined(line.arg(0), line.arg(1));
            case CURRENT -> new CurrentRoom(line.arg(0));
            case LEAVE -> new Left(line.arg(0), line.arg(1));
            case NICK -> new NickChanged(line.arg(0), line.arg(1), line.arg(2));
            case QUIT -> new Quit(line.arg(0), line.arg(1), line.text());
            case PRESENCE -> presence(line);
            case INFO -> new Notice(line.text());
            case ERR -> new ErrorReply(codeOf(line.arg(0)), line.arg(0), line.text());
            case BYE -> new Bye(line.text());
            case WELCOME, SERVER, PONG, WHO, WHOEND, ROOMS, ROOMSEND -> null;
        };
    }

    /** A {@link PresenceChanged}, or a {@link ProtocolError} for a state other than on or off, or a count that is not one. */
    private static RelayEvent presence(ServerLine line) {
        String state = line.arg(1);
        boolean quiet = state.equals(ServerLines.PRESENCE_OFF);
        if (!quiet && !state.equals(ServerLines.PRESENCE_ON)) {
            return new ProtocolError("a PRESENCE line with a state that is neither on nor off: '" + line + "'");
        }
        try {
            return new PresenceChanged(line.arg(0), quiet, Integer.parseInt(line.arg(2)));
        } catch (NumberFormatException e) {
            return new ProtocolError("a PRESENCE line whose member count is not a number: '" + line + "'");
        }
    }

    private static @Nullable ErrorCode codeOf(String word) {
        try {
            return ErrorCode.fromWord(word);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }
}
