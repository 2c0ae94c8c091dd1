package dev.relay.core.chat;

import java.util.Collection;

/**
 * Writes every line the server sends (PROTOCOL.md is the specification; {@link ServerLine} reads them
 * back). Arguments are nicks and room names that have already been validated, so they hold no spaces.
 * Stateless; any thread.
 */
public final class ServerLines {

    private ServerLines() {
    }

    public static String welcome(String nick, String room) {
        return "WELCOME " + nick + ' ' + room + " Hi " + nick + ", you are in #" + room
                + ". Type a line to talk, /nick NAME to pick a name, /help for commands.";
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

    /** {@code ROOMS name:members ...}, in the order given. */
    public static String rooms(Collection<String> roomsWithCounts) {
        return roomsWithCounts.isEmpty() ? "ROOMS" : "ROOMS " + String.join(" ", roomsWithCounts);
    }

    /** {@code WHO room nick ...}, in the order given. */
    public static String who(String room, Collection<String> nicks) {
        return nicks.isEmpty() ? "WHO " + room : "WHO " + room + ' ' + String.join(" ", nicks);
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
