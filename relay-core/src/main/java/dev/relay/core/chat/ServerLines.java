package dev.relay.core.chat;

import io.netty.buffer.ByteBufUtil;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * Writes every line the server sends (PROTOCOL.md is the specification; {@link ServerLine} reads them
 * back). Arguments are nicks and room names that have already been validated, so they hold no spaces.
 * Stateless; any thread.
 */
public final class ServerLines {

    /** The longest line of a {@code /who} or {@code /rooms} answer, in bytes, however high the frame limit. */
    public static final int MAX_LIST_LINE_BYTES = 4096;

    private ServerLines() {
    }

    /**
     * The longest line of a {@code /who} or {@code /rooms} answer to a connection whose frame limit is
     * {@code maxFrameLength}: {@code min(4096, 3 × maxFrameLength + 100)} bytes, kind included, line
     * ending or length prefix not. Clients accept server lines of 3 × the limit + 100 bytes
     * (PROTOCOL.md, section 1), so every line of an answer reaches them, however long the list.
     */
    public static int maxListLineBytes(int maxFrameLength) {
        return (int) Math.min(MAX_LIST_LINE_BYTES, 3L * maxFrameLength + 100);
    }

    /** The welcome of a guest, or of anyone in one room. */
    public static String welcome(String nick, String room) {
        return "WELCOME " + nick + ' ' + room + " Hi " + nick + ", you are in #" + room
                + ". Type a line to talk, /nick NAME to pick a name, /help for commands.";
    }

    /** The welcome of a session in {@code rooms}, the first of which is current. */
    public static String welcome(String nick, List<String> rooms) {
        if (rooms.size() == 1) {
            return welcome(nick, rooms.get(0));
        }
        StringBuilder line = new StringBuilder("WELCOME ").append(nick).append(' ').append(rooms.get(0))
                .append(" Hi ").append(nick).append(", you are in");
        for (int i = 0; i < rooms.size(); i++) {
            line.append(i == 0 ? " #" : i == rooms.size() - 1 ? " and #" : ", #").append(rooms.get(i));
        }
        return line.append("; what you type goes to #").append(rooms.get(0)).append(". /help for commands.")
                .toString();
    }

    /**
     * {@code SERVER key=value ...}: what the server tells a client about itself, in the order given.
     * Keys and values are single words.
     */
    public static String server(Map<String, ?> params) {
        StringBuilder line = new StringBuilder("SERVER");
        params.forEach((key, value) -> line.append(' ').append(key).append('=').append(value));
        return line.toString();
    }

    /** {@code CURRENT room}: the connection's current room is now {@code room}. */
    public static String current(String room) {
        return "CURRENT " + room;
    }

    public static String message(String room, String nick, String text) {
        return "MSG " + room + ' ' + nick + ' ' + text;
    }

    public static String action(String room, String nick, String text) {
        return "ACTION " + room + ' ' + nick + ' ' + text;
    }

    public static String privateMessage(String fromNick, String text) {
        return "PRIV " + fromNick + ' ' + text;
    }

    public static String join(String room, String nick) {
        return "JOIN " + room + ' ' + nick;
    }

    public static String leave(String room, String nick) {
        return "LEAVE " + room + ' ' + nick;
    }

    public static String nick(String room, String oldNick, String newNick) {
        return "NICK " + room + ' ' + oldNick + ' ' + newNick;
    }

    public static String quit(String room, String nick, String reason) {
        return "QUIT " + room + ' ' + nick + ' ' + reason;
    }

    /** The word of a {@code PRESENCE} line that says the room is quiet: others' presence is not announced. */
    public static final String PRESENCE_OFF = "off";
    /** The word of a {@code PRESENCE} line that says others' presence is announced again. */
    public static final String PRESENCE_ON = "on";

    /**
     * {@code PRESENCE room off members text}: from now on the arrivals, departures and renames of others
     * in {@code room}, which has {@code members} members, more than {@code limit}, are not announced.
     */
    public static String presenceOff(String room, int members, int limit) {
        return "PRESENCE " + room + ' ' + PRESENCE_OFF + ' ' + members + " #" + room + " has more than " + limit
                + " members: arrivals, departures and renames there are no longer announced (/who lists everyone)";
    }

    /**
     * {@code PRESENCE room on members text}: {@code room} is down to {@code members} members, and the
     * arrivals, departures and renames of others in it are announced again.
     */
    public static String presenceOn(String room, int members) {
        return "PRESENCE " + room + ' ' + PRESENCE_ON + ' ' + members + " #" + room + " is down to " + members
                + " members: arrivals, departures and renames there are announced again (/who lists everyone)";
    }

    /**
     * The whole answer to {@code /rooms}: one or more {@code ROOMS name:members ...} lines of at most
     * {@code maxLineBytes} bytes each, listing the entries in the order given, then
     * {@code ROOMSEND count}. With no entries: {@code ROOMS}, then {@code ROOMSEND 0}.
     */
    public static List<String> rooms(Collection<String> roomsWithCounts, int maxLineBytes) {
        List<String> lines = listLines("ROOMS", roomsWithCounts, maxLineBytes);
        lines.add("ROOMSEND " + roomsWithCounts.size());
        return lines;
    }

    /**
     * The whole answer to {@code /who}: one or more {@code WHO room nick ...} lines of at most
     * {@code maxLineBytes} bytes each, listing the nicks in the order given, then
     * {@code WHOEND room count}. With no nicks: {@code WHO room}, then {@code WHOEND room 0}.
     */
    public static List<String> who(String room, Collection<String> nicks, int maxLineBytes) {
        List<String> lines = listLines("WHO " + room, nicks, maxLineBytes);
        lines.add("WHOEND " + room + ' ' + nicks.size());
        return lines;
    }

    /**
     * {@code head item item ...} lines of at most {@code maxLineBytes} UTF-8 bytes: always at least one
     * line, as many items on each as fit. An item too long for any line (never the case for nicks and
     * room names, which are short) gets a line of its own rather than being left out.
     */
    private static List<String> listLines(String head, Collection<String> items, int maxLineBytes) {
        List<String> lines = new ArrayList<>();
        int headBytes = ByteBufUtil.utf8Bytes(head);
        StringBuilder line = new StringBuilder(Math.min(maxLineBytes, 1024)).append(head);
        int bytes = headBytes;
        boolean hasItems = false;
        for (String item : items) {
            int itemBytes = 1 + ByteBufUtil.utf8Bytes(item);
            if (hasItems && bytes + itemBytes > maxLineBytes) {
                lines.add(line.toString());
                line.setLength(head.length());
                bytes = headBytes;
            }
            line.append(' ').append(item);
            bytes += itemBytes;
            hasItems = true;
        }
        lines.add(line.toString());
        return lines;
    }

    public static String info(String text) {
        return "INFO " + text;
    }

    public static String error(ErrorCode code, String text) {
        return "ERR " + code.word() + ' ' + text;
    }

    public static String pong(String token) {
        return token.isEmpty() ? "PONG" : "PONG " + token;
    }

    public static String bye(String text) {
        return "BYE " + text;
    }
}
