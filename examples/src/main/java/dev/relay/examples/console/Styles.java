package dev.relay.examples.console;

import static org.jline.utils.AttributedStyle.BLACK;
import static org.jline.utils.AttributedStyle.BLUE;
import static org.jline.utils.AttributedStyle.BRIGHT;
import static org.jline.utils.AttributedStyle.CYAN;
import static org.jline.utils.AttributedStyle.DEFAULT;
import static org.jline.utils.AttributedStyle.GREEN;
import static org.jline.utils.AttributedStyle.MAGENTA;
import static org.jline.utils.AttributedStyle.RED;
import static org.jline.utils.AttributedStyle.YELLOW;

import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;
import org.jline.utils.AttributedStyle;

/**
 * The console's colours. Each nick has its own, picked by a hash of the nick from a palette that leaves
 * out red (errors) and cyan (notices), so the same nick always looks the same, in every session. Your
 * own nick is bold in the terminal's own colour, so it never looks like someone else's. A line that
 * mentions you is black on yellow.
 */
final class Styles {

    static final AttributedStyle TIME = DEFAULT.foreground(BLACK | BRIGHT);
    static final AttributedStyle NOTICE = DEFAULT.foreground(CYAN);
    static final AttributedStyle ERROR = DEFAULT.foreground(RED).bold();
    static final AttributedStyle OWN = DEFAULT.bold();
    static final AttributedStyle MENTION = DEFAULT.foreground(BLACK).background(YELLOW);

    /** The nick colours: readable on dark and light backgrounds, none of them red or cyan. */
    static final List<AttributedStyle> PALETTE = List.of(
            DEFAULT.foreground(GREEN), DEFAULT.foreground(YELLOW), DEFAULT.foreground(BLUE),
            DEFAULT.foreground(MAGENTA), DEFAULT.foreground(GREEN | BRIGHT), DEFAULT.foreground(YELLOW | BRIGHT),
            DEFAULT.foreground(BLUE | BRIGHT), DEFAULT.foreground(MAGENTA | BRIGHT));

    private Styles() {
    }

    /**
     * The colour of {@code nick}: the same for the same nick (compared as the server does, ignoring case)
     * in every run, since {@link String#hashCode()} is fixed by the language.
     */
    static AttributedStyle nick(String nick) {
        return PALETTE.get(Math.floorMod(nick.toLowerCase(Locale.ROOT).hashCode(), PALETTE.size()));
    }

    /**
     * Whether {@code text} mentions {@code nick} as a whole word, ignoring case: "alice:", "@Alice" and
     * "alice's" do, "malice" and "alice_2" do not (a nick's letters, digits, {@code _} and {@code -}
     * continue a word).
     */
    static boolean mentions(String text, String nick) {
        if (nick.isEmpty()) {
            return false;
        }
        return Pattern.compile("(?<![A-Za-z0-9_-])" + Pattern.quote(nick) + "(?![A-Za-z0-9_-])",
                Pattern.CASE_INSENSITIVE).matcher(text).find();
    }
}
