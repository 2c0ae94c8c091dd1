package dev.relay.examples.console;

import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.Supplier;
import org.jline.reader.Candidate;
import org.jline.reader.Completer;
import org.jline.reader.LineReader;
import org.jline.reader.ParsedLine;

/**
 * Tab: the command words at the start of a line; after {@code /join}, {@code /part}, {@code /switch},
 * {@code /say} and {@code /who}, the rooms the console is in; anywhere else the nicks of those rooms
 * (yours left out), from the {@link Roster}.
 */
final class ConsoleCompleter implements Completer {

    static final List<String> COMMANDS = List.of("/join", "/part", "/switch", "/say", "/msg", "/me", "/who",
            "/rooms", "/nick", "/ping", "/quit", "/help");

    private static final Set<String> ROOM_COMMANDS = Set.of("/join", "/part", "/switch", "/say", "/who");

    private final Roster roster;
    private final Supplier<String> ownNick;

    ConsoleCompleter(Roster roster, Supplier<String> ownNick) {
        this.roster = roster;
        this.ownNick = ownNick;
    }

    @Override
    public void complete(LineReader reader, ParsedLine line, List<Candidate> candidates) {
        String word = line.word();
        if (line.wordIndex() == 0 && word.startsWith("/")) {
            COMMANDS.forEach(command -> candidates.add(new Candidate(command)));
            return;
        }
        String first = line.words().isEmpty() ? "" : line.words().get(0).toLowerCase(Locale.ROOT);
        if (line.wordIndex() == 1 && ROOM_COMMANDS.contains(first)) {
            String hash = word.startsWith("#") ? "#" : "";
            roster.rooms().forEach(room -> candidates.add(new Candidate(hash + room)));
            return;
        }
        String self = ownNick.get();
        roster.nicks().stream().filter(nick -> !nick.equalsIgnoreCase(self))
                .forEach(nick -> candidates.add(new Candidate(nick)));
    }
}
