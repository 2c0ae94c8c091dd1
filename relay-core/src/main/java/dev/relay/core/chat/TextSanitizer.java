package dev.relay.core.chat;

/**
 * Makes a client's line safe to show on other people's terminals, before it is relayed:
 *
 * <ul>
 *   <li>C0 control characters (NUL to U+001F, so ESC too) become their visible Unicode "control
 *       pictures" (ESC becomes {@code ␛}, NUL {@code ␀}); DEL becomes {@code ␡}. TAB is kept.</li>
 *   <li>C1 control characters (U+0080 to U+009F, among them the one-character CSI) and the
 *       bidirectional controls (U+202A–U+202E, U+2066–U+2069, U+200E, U+200F, U+061C) become
 *       U+FFFD.</li>
 *   <li>The Unicode line and paragraph separators (U+2028, U+2029) and any CR or LF become a space: a
 *       frame is one line.</li>
 * </ul>
 *
 * So an ANSI escape sequence such as {@code ESC [2J} arrives as the harmless text {@code ␛[2J}.
 * Everything else, accents, CJK and emoji included, passes unchanged. Stateless; any thread. A line
 * with nothing to change is returned as is, without copying.
 */
public final class TextSanitizer {

    private TextSanitizer() {
    }

    public static String clean(String line) {
        int first = firstUnsafe(line);
        if (first < 0) {
            return line;
        }
        StringBuilder out = new StringBuilder(line.length());
        out.append(line, 0, first);
        for (int i = first; i < line.length(); i++) {
            char c = line.charAt(i);
            out.append(isUnsafe(c) ? replacement(c) : c);
        }
        return out.toString();
    }

    private static int firstUnsafe(String line) {
        for (int i = 0; i < line.length(); i++) {
            if (isUnsafe(line.charAt(i))) {
                return i;
            }
        }
        return -1;
    }

    private static boolean isUnsafe(char c) {
        if (c < 0x20) {
            return c != '\t';
        }
        if (c < 0x7F) {
            return false;
        }
        return c <= 0x9F // DEL and C1
                || (c >= 0x202A && c <= 0x202E)
                || (c >= 0x2066 && c <= 0x2069)
                || c == 0x200E || c == 0x200F || c == 0x061C
                || c == 0x2028 || c == 0x2029;
    }

    private static char replacement(char c) {
        if (c == '\r' || c == '\n' || c == 0x2028 || c == 0x2029) {
            return ' ';
        }
        if (c < 0x20) {
            return (char) (0x2400 + c);
        }
        if (c == 0x7F) {
            return '\u2421';
        }
        return '\uFFFD';
    }
}
