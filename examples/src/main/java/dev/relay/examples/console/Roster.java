package dev.relay.examples.console;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Who is in the console's rooms, as far as it has heard: filled by a {@code /who} of each room the
 * console arrives in or joins, then kept up to date from the presence lines. In a big room that the
 * server keeps quiet (PROTOCOL.md, "Big rooms") there are none for others, so it also learns everyone
 * who speaks there, and is filled again by a {@code /who} when the room is announced again. Tab
 * completion reads it;
 * the view uses it to report a quit or a rename once, naming all the rooms it happened in, although the
 * server sends one line per shared room. Thread-safe: written on the client's thread, read by the
 * keyboard's.
 */
final class Roster {

    /** Members by room, rooms in the order joined. */
    private final Map<String, Set<String>> members = new LinkedHashMap<>();

    /** A new session: these rooms, members not known yet. */
    synchronized void reset(Collection<String> rooms) {
        members.clear();
        rooms.forEach(room -> members.put(room, new LinkedHashSet<>()));
    }

    synchronized void addRoom(String room) {
        members.computeIfAbsent(room, name -> new LinkedHashSet<>());
    }

    synchronized void removeRoom(String room) {
        members.remove(room);
    }

    /** The answer to a {@code /who} of {@code room}; ignored for a room the console is not in. */
    synchronized void setMembers(String room, Collection<String> nicks) {
        Set<String> here = members.get(room);
        if (here != null) {
            here.clear();
            here.addAll(nicks);
        }
    }

    synchronized void joined(String room, String nick) {
        Set<String> here = members.get(room);
        if (here != null) {
            here.add(nick);
        }
    }

    /**
     * {@code nick} said something in {@code room}, so is there: in a quiet room the only way to hear of
     * someone who arrived after the last {@code /who}.
     */
    synchronized void spoke(String room, String nick) {
        joined(room, nick);
    }

    synchronized void left(String room, String nick) {
        Set<String> here = members.get(room);
        if (here != null) {
            here.remove(nick);
        }
    }

    /** Removes {@code nick} from every room; the rooms it was in, in the order joined. */
    synchronized List<String> quit(String nick) {
        List<String> rooms = new ArrayList<>();
        members.forEach((room, here) -> {
            if (here.remove(nick)) {
                rooms.add(room);
            }
        });
        return rooms;
    }

    /**
     * Renames {@code oldNick} in every room, and makes sure {@code newNick} is in {@code room}; the rooms
     * {@code oldNick} was in, in the order joined.
     */
    synchronized List<String> rename(String room, String oldNick, String newNick) {
        List<String> rooms = new ArrayList<>();
        members.forEach((name, here) -> {
            if (here.remove(oldNick)) {
                here.add(newNick);
                rooms.add(name);
            }
        });
        joined(room, newNick);
        return rooms;
    }

    /** The rooms the console is in, in the order joined. */
    synchronized List<String> rooms() {
        return List.copyOf(members.keySet());
    }

    /** Everyone in any of the rooms, sorted ignoring case. */
    synchronized List<String> nicks() {
        Set<String> all = new TreeSet<>(String.CASE_INSENSITIVE_ORDER);
        members.values().forEach(all::addAll);
        return List.copyOf(all);
    }
}
