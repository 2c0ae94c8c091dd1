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
    /** {@code /join} or {@code /who} with a name that breaks the room rules. */
    BAD_ROOM,
    /** {@code /msg} to a nick no one holds. */
    NO_SUCH_NICK;

    /** The word on the wire: the constant's name in lower case with {@code -} for {@code _}. */
    public String word() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /** The code for a wire word. */
    public static ErrorCode fromWord(String word) {
        return valueOf(word.toUpperCase(Locale.ROOT).replace('-', '_'));
    }
}
