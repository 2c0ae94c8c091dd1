package dev.relay.core.chat;

import java.util.Locale;

/** The machine-readable first word of an {@code ERR} line (PROTOCOL.md, "Errors"). */
public enum ErrorCode {
    /** A frame longer than the server's limit was discarded. */
    TOO_LONG,
    /** The line started with {@code /} but named no known command. */
    UNKNOWN_COMMAND,
    /** A known command with missing or extra arguments. */
    BAD_ARGS,
    /** {@code /nick} with a name that breaks the nick rules. */
    BAD_NICK,
    /** {@code /nick} with a name someone else holds. */
    NICK_TAKEN,
    /** {@code /join}, {@code /who} or another room command with a name that breaks the room rules. */
    BAD_ROOM,
    /** {@code /msg} to a nick no one holds. */
    NO_SUCH_NICK,
    /** Lines are being dropped: the connection sends faster than the server's rate limit; said once per flood. */
    RATE_LIMITED,
    /** The server (or this address) has as many connections as it allows; the connection closes. */
    TOO_MANY_CONNECTIONS,
    /** {@code /join} of a room that has as many members as the server allows. */
    ROOM_FULL,
    /** {@code /join} of a new room when the server has as many rooms as it allows. */
    TOO_MANY_ROOMS,
    /** {@code /join} (or an arrival line) that would put this connection in more rooms than it may be in at once. */
    TOO_MANY_JOINED,
    /** {@code /part}, {@code /switch} or {@code /say} of a room this connection is not in. */
    NOT_IN_ROOM,
    /** {@code /part} of the only room this connection is in: a session is always in at least one room. */
    LAST_ROOM;

    /** The word on the wire: the constant's name in lower case with {@code -} for {@code _}. */
    public String word() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /** The code for a wire word. */
    public static ErrorCode fromWord(String word) {
        return valueOf(word.toUpperCase(Locale.ROOT).replace('-', '_'));
    }
}
