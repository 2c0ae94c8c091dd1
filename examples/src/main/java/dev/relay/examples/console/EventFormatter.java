package dev.relay.examples.console;

import dev.relay.client.RelayEvent;
import java.time.Clock;
import java.time.LocalTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;
import org.jline.utils.AttributedString;
import org.jline.utils.AttributedStringBuilder;
import org.jline.utils.AttributedStyle;

/**
 * The lines a person reads: the time first, then the room the line is about ({@code [#dev]}, or
 * {@code [#dev,#ops]} for someone who left or was renamed in several), then what happened, with every
 * nick in its colour ({@link Styles}). Your own messages look like everyone else's. Lines are styled
 * {@link AttributedString}s; {@link AttributedString#toString()} is the same line without any styling.
 */
final class EventFormatter {

    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss");

    /** Whose line it is, for its colours. */
    enum Tone { OTHERS, OWN, MENTION }

    private final Clock clock;
    private final String server;

    EventFormatter(Clock clock, String server) {
        this.clock = clock;
        this.server = server;
    }

    /** {@code [#room] <nick> text} */
    AttributedString message(String room, String nick, String text, Tone tone) {
        Line line = start(List.of(room));
        AttributedStyle whole = tone == Tone.MENTION ? Styles.MENTION : AttributedStyle.DEFAULT;
        return line.text("<", whole).nick(nick, tone).text("> " + text, whole).done();
    }

    /** {@code [#room] * nick action} */
    AttributedString action(String room, String nick, String text, Tone tone) {
        Line line = start(List.of(room));
        AttributedStyle whole = tone == Tone.MENTION ? Styles.MENTION : AttributedStyle.DEFAULT;
        return line.text("* ", whole).nick(nick, tone).text(" " + text, whole).done();
    }

    /** {@code *from* text}: a private message to you. */
    AttributedString privateFrom(String from, String text, boolean mention) {
        Tone tone = mention ? Tone.MENTION : Tone.OTHERS;
        AttributedStyle whole = mention ? Styles.MENTION : AttributedStyle.DEFAULT;
        return start(List.of()).text("*", whole).nick(from, tone).text("* " + text, whole).done();
    }

    /** {@code -> *to* text}: a private message you sent. */
    AttributedString privateTo(String to, String text) {
        return start(List.of()).text("-> *", Styles.OWN).nick(to, Tone.OTHERS).text("*", Styles.OWN)
                .text(" " + text, AttributedStyle.DEFAULT).done();
    }

    /** {@code -- pong from host:port in 0.8 ms} */
    AttributedString pong(long nanos) {
        return notice(List.of(), String.format(Locale.ROOT, "pong from %s in %.1f ms", server, nanos / 1e6));
    }

    /** {@code [#room] -- nick joined}, or {@code -- you joined} */
    AttributedString joined(String room, String nick, boolean you) {
        return presence(room, nick, you, " joined");
    }

    /** {@code [#room] -- nick left}, or {@code -- you left} */
    AttributedString left(String room, String nick, boolean you) {
        return presence(room, nick, you, " left");
    }

    private AttributedString presence(String room, String nick, boolean you, String what) {
        Line line = start(List.of(room)).text("-- ", Styles.NOTICE);
        return (you ? line.text("you", Styles.OWN) : line.nick(nick, Tone.OTHERS)).text(what, Styles.NOTICE).done();
    }

    /**
     * {@code [#big] -- 201 people here: arrivals, departures and renames are no longer shown (/who lists
     * everyone)}, or {@code [#big] -- down to 150 people: arrivals, departures and renames are shown again}
     */
    AttributedString presence(String room, boolean quiet, int members) {
        return notice(List.of(room), quiet
                ? members + " people here: arrivals, departures and renames are no longer shown (/who lists everyone)"
                : "down to " + members + " people: arrivals, departures and renames are shown again");
    }

    /** {@code [#dev,#ops] -- bob quit (reason)} */
    AttributedString quit(List<String> rooms, String nick, String reason) {
        return start(rooms).text("-- ", Styles.NOTICE).nick(nick, Tone.OTHERS)
                .text(" quit (" + reason + ")", Styles.NOTICE).done();
    }

    /** {@code [#dev,#ops] -- bob is now rob}, or {@code -- you are now rob} */
    AttributedString renamed(List<String> rooms, String oldNick, String newNick, boolean you) {
        if (you) {
            return start(List.of()).text("-- you are now ", Styles.NOTICE).nick(newNick, Tone.OWN).done();
        }
        return start(rooms).text("-- ", Styles.NOTICE).nick(oldNick, Tone.OTHERS).text(" is now ", Styles.NOTICE)
                .nick(newNick, Tone.OTHERS).done();
    }

    /** {@code -- in #dev: alice, bob} */
    AttributedString who(String room, List<String> nicks) {
        Line line = start(List.of()).text("-- in #" + room + ": ", Styles.NOTICE);
        if (nicks.isEmpty()) {
            line.text("no one", Styles.NOTICE);
        }
        for (int i = 0; i < nicks.size(); i++) {
            line.text(i == 0 ? "" : ", ", Styles.NOTICE).nick(nicks.get(i), Tone.OTHERS);
        }
        return line.done();
    }

    /** {@code -- rooms: #dev (2), #lobby (1)} */
    AttributedString rooms(List<RelayEvent.RoomInfo> rooms) {
        return notice(List.of(), "rooms: " + (rooms.isEmpty() ? "none" : rooms.stream()
                .map(room -> "#" + room.name() + " (" + room.members() + ")").collect(Collectors.joining(", "))));
    }

    /** {@code -- connected to host:port as alice in #dev, #ops; talking in #dev (...)} */
    AttributedString connected(String nick, String room, List<String> rooms) {
        return start(List.of()).text("-- connected to " + server + " as ", Styles.NOTICE).nick(nick, Tone.OWN)
                .text(" in " + where(room, rooms) + " (type /help for commands, /quit to leave)", Styles.NOTICE).done();
    }

    /** {@code -- reconnected as alice in #dev} */
    AttributedString reconnected(String nick, String room, List<String> rooms) {
        return start(List.of()).text("-- reconnected as ", Styles.NOTICE).nick(nick, Tone.OWN)
                .text(" in " + where(room, rooms), Styles.NOTICE).done();
    }

    /** {@code #dev}, or {@code #dev, #ops; talking in #dev} */
    private static String where(String room, List<String> rooms) {
        if (rooms.size() <= 1) {
            return "#" + room;
        }
        return rooms.stream().map(name -> "#" + name).collect(Collectors.joining(", ")) + "; talking in #" + room;
    }

    /** {@code -- text} in the notice colour, with the rooms it is about, if any. */
    AttributedString notice(List<String> rooms, String text) {
        return start(rooms).text("-- " + text, Styles.NOTICE).done();
    }

    /** {@code ! text} in the error colour. */
    AttributedString error(String text) {
        return start(List.of()).text("! " + text, Styles.ERROR).done();
    }

    private Line start(List<String> rooms) {
        Line line = new Line();
        line.builder.styled(Styles.TIME, LocalTime.now(clock).format(TIME)).append(' ');
        if (!rooms.isEmpty()) {
            line.builder.append(rooms.stream().map(room -> "#" + room).collect(Collectors.joining(",", "[", "] ")));
        }
        return line;
    }

    /** One line being built. */
    private static final class Line {
        final AttributedStringBuilder builder = new AttributedStringBuilder();

        Line text(String text, AttributedStyle style) {
            builder.styled(style, text);
            return this;
        }

        /** The nick in its colour; bold in the terminal's colour if it is yours; in the highlight for a mention. */
        Line nick(String nick, Tone tone) {
            AttributedStyle style = switch (tone) {
                case OWN -> Styles.OWN;
                case MENTION -> Styles.MENTION.bold();
                case OTHERS -> Styles.nick(nick);
            };
            builder.styled(style, nick);
            return this;
        }

        AttributedString done() {
            return builder.toAttributedString();
        }
    }
}
