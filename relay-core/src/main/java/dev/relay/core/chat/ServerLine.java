package dev.relay.core.chat;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Locale;
import java.util.Objects;

/**
 * One line from server to client, parsed: its {@link Kind}, the fixed arguments that kind has (single
 * words: rooms, nicks, codes) and the free text that follows them. This is the client-side reading of
 * PROTOCOL.md; {@link ServerLines} is the server-side writing, and tests hold the two together.
 *
 * <p>Grammar: {@code KIND SP arg1 SP ... SP argN [SP text]}, where N is fixed per kind.
 *
 * @param kind what the line is
 * @param args the kind's {@link Kind#argCount()} words
 * @param text everything after the arguments (may be empty, may contain spaces)
 */
public record ServerLine(Kind kind, List<String> args, String text) {

    /** The kinds of server line, with the number of single-word arguments before the text. */
    public enum Kind {
        /** {@code WELCOME nick room text}: sent once, first, when the session starts; {@code room} is the current room. */
        WELCOME(2),
        /** {@code SERVER key=value ...}: what the server says about itself, right after {@code WELCOME}. */
        SERVER(0),
        /** {@code CURRENT room}: your current room (where plain lines go) is now {@code room}. */
        CURRENT(1),
        /** {@code MSG room nick text}: a chat message. */
        MSG(2),
        /** {@code ACTION room nick text}: a {@code /me} action. */
        ACTION(2),
        /** {@code PRIV from-nick text}: a private message to you. */
        PRIV(1),
        /** {@code JOIN room nick}: someone (maybe you) joined the room. */
        JOIN(2),
        /** {@code LEAVE room nick}: someone (maybe you) left the room ({@code /part}); still connected. */
        LEAVE(2),
        /** {@code NICK room old-nick new-nick}: someone (maybe you) changed nick. */
        NICK(3),
        /** {@code QUIT room nick reason}: someone disconnected. */
        QUIT(2),
        /**
         * {@code PRESENCE room off|on members text}: the arrivals, departures and renames of others in
         * {@code room} are no longer announced to you ({@code off}: the room has grown past the server's
         * presence limit), or are announced again ({@code on}); {@code members} is how many it had then.
         */
        PRESENCE(3),
        /** {@code ROOMS room:members ...}: one line of the answer to {@code /rooms}; {@link #ROOMSEND} ends it. */
        ROOMS(0),
        /** {@code ROOMSEND count}: the end of the answer to {@code /rooms}, {@code count} rooms listed. */
        ROOMSEND(1),
        /** {@code WHO room nick ...}: one line of the answer to {@code /who}; {@link #WHOEND} ends it. */
        WHO(1),
        /** {@code WHOEND room count}: the end of the answer to {@code /who}, {@code count} nicks listed. */
        WHOEND(2),
        /** {@code INFO text}: a notice for humans (help text, server notices). */
        INFO(0),
        /** {@code ERR code text}: your last line was refused; {@code code} is one machine-readable word. */
        ERR(1),
        /** {@code PONG token}: the answer to {@code /ping}. */
        PONG(0),
        /** {@code BYE text}: the server is closing your connection. */
        BYE(0);

        private final int argCount;

        Kind(int argCount) {
            this.argCount = argCount;
        }

        public int argCount() {
            return argCount;
        }
    }

    public ServerLine {
        Objects.requireNonNull(kind, "kind");
        args = List.copyOf(args);
        Objects.requireNonNull(text, "text");
        if (args.size() != kind.argCount()) {
            throw new IllegalArgumentException(kind + " takes " + kind.argCount() + " arguments: " + args);
        }
    }

    /** Argument {@code index} (0-based). */
    public String arg(int index) {
        return args.get(index);
    }

    /**
     * Parses one server line (without its line ending).
     *
     * @throws IllegalArgumentException if the kind is unknown or arguments are missing
     */
    public static ServerLine parse(String line) {
        int end = line.indexOf(' ');
        String word = end < 0 ? line : line.substring(0, end);
        Kind kind;
        try {
            kind = Kind.valueOf(word);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("unknown server line kind: '" + word.toUpperCase(Locale.ROOT) + "'");
        }
        List<String> args = new ArrayList<>(kind.argCount());
        int pos = end < 0 ? line.length() : end + 1;
        for (int i = 0; i < kind.argCount(); i++) {
            if (pos >= line.length()) {
                throw new IllegalArgumentException(kind + " line lacks argument " + (i + 1) + ": '" + line + "'");
            }
            int next = line.indexOf(' ', pos);
            int stop = next < 0 ? line.length() : next;
            args.add(line.substring(pos, stop));
            pos = next < 0 ? line.length() : next + 1;
        }
        return new ServerLine(kind, args, pos >= line.length() ? "" : line.substring(pos));
    }

    /**
     * The {@code key=value} words of a {@code SERVER} line's text, in order; words without {@code =} are
     * left out. Clients ignore keys they do not know.
     */
    public static Map<String, String> params(String text) {
        Map<String, String> params = new LinkedHashMap<>();
        for (String word : text.split(" ")) {
            int eq = word.indexOf('=');
            if (eq > 0) {
                params.put(word.substring(0, eq), word.substring(eq + 1));
            }
        }
        return params;
    }

    /** The line as the server sends it. */
    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder(kind.name());
        for (String arg : args) {
            sb.append(' ').append(arg);
        }
        if (!text.isEmpty()) {
            sb.append(' ').append(text);
        }
        return sb.toString();
    }
}
