package dev.relay.core.chat;

import java.util.Locale;
import org.jspecify.annotations.Nullable;

/**
 * The rules for nicks and room names (PROTOCOL.md, "Names").
 *
 * <ul>
 *   <li>A nick is 1 to {@value #MAX_NICK_LENGTH} characters: an ASCII letter, then letters, digits,
 *       {@code _} or {@code -}. Nicks are unique per server, compared case-insensitively, and shown as
 *       the user spelled them.</li>
 *   <li>A room name is 1 to {@value #MAX_ROOM_LENGTH} characters: ASCII letters, digits, {@code _} or
 *       {@code -}, starting with a letter or digit. A leading {@code #} is accepted and dropped, and
 *       names are lower-cased: {@code #Lobby} and {@code lobby} are the same room.</li>
 * </ul>
 */
public final class Names {

    public static final int MAX_NICK_LENGTH = 24;
    public static final int MAX_ROOM_LENGTH = 32;

    private Names() {
    }

    /** Why {@code nick} is not a valid nick, or {@code null} if it is. */
    public static @Nullable String nickProblem(String nick) {
        if (nick.isEmpty() || nick.length() > MAX_NICK_LENGTH) {
            return "a nick has 1 to " + MAX_NICK_LENGTH + " characters";
        }
        if (!isAsciiLetter(nick.charAt(0))) {
            return "a nick starts with a letter (a-z, A-Z)";
        }
        for (int i = 1; i < nick.length(); i++) {
            if (!isWordChar(nick.charAt(i))) {
                return "a nick has only letters, digits, _ and -";
            }
        }
        return null;
    }

    /** {@code raw} with a leading {@code #} removed and lower-cased; not validated. */
    public static String normalizeRoom(String raw) {
        String name = raw.startsWith("#") ? raw.substring(1) : raw;
        return name.toLowerCase(Locale.ROOT);
    }

    /** Why the normalised {@code room} is not a valid room name, or {@code null} if it is. */
    public static @Nullable String roomProblem(String room) {
        if (room.isEmpty() || room.length() > MAX_ROOM_LENGTH) {
            return "a room name has 1 to " + MAX_ROOM_LENGTH + " characters";
        }
        char first = room.charAt(0);
        if (!isAsciiLetter(first) && !isDigit(first)) {
            return "a room name starts with a letter or digit";
        }
        for (int i = 1; i < room.length(); i++) {
            if (!isWordChar(room.charAt(i))) {
                return "a room name has only letters, digits, _ and -";
            }
        }
        return null;
    }

    private static boolean isWordChar(char c) {
        return isAsciiLetter(c) || isDigit(c) || c == '_' || c == '-';
    }

    private static boolean isAsciiLetter(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
    }

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }
}
