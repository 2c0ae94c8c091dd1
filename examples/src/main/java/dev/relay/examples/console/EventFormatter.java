package dev.relay.examples.console;

import dev.relay.client.RelayEvent;
import java.time.Clock;
import java.time.LocalTime;
import java.time.format.DateTimeFormatter;
import java.util.stream.Collectors;

/** Turns client events into the lines a person reads: time first, nick always shown. */
final class EventFormatter {

    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss");

    private final Clock clock;
    private final String server;

    EventFormatter(Clock clock, String server) {
        this.clock = clock;
        this.server = server;
    }

    String format(RelayEvent event) {
        return LocalTime.now(clock).format(TIME) + ' ' + body(event);
    }

    private String body(RelayEvent event) {
        if (event instanceof RelayEvent.ChatMessage m) {
            return "[#" + m.room() + "] <" + m.nick() + "> " + m.text();
        } else if (event instanceof RelayEvent.Action a) {
            return "[#" + a.room() + "] * " + a.nick() + ' ' + a.text();
        } else if (event instanceof RelayEvent.PrivateMessage p) {
            return "*" + p.from() + "* " + p.text();
        } else if (event instanceof RelayEvent.Joined j) {
            return "-- " + j.nick() + " joined #" + j.room();
        } else if (event instanceof RelayEvent.Left l) {
            return "-- " + l.nick() + " left #" + l.room();
        } else if (event instanceof RelayEvent.NickChanged n) {
            return "-- " + n.oldNick() + " is now " + n.newNick();
        } else if (event instanceof RelayEvent.Quit q) {
            return "-- " + q.nick() + " quit (" + q.reason() + ")";
        } else if (event instanceof RelayEvent.RoomList r) {
            return "-- rooms: " + (r.rooms().isEmpty() ? "none" : r.rooms().stream()
                    .map(room -> "#" + room.name() + " (" + room.members() + ")")
                    .collect(Collectors.joining(", ")));
        } else if (event instanceof RelayEvent.WhoList w) {
            return "-- in #" + w.room() + ": " + (w.nicks().isEmpty() ? "no one" : String.join(", ", w.nicks()));
        } else if (event instanceof RelayEvent.Notice n) {
            return "-- " + n.text();
        } else if (event instanceof RelayEvent.ErrorReply e) {
            return "! " + e.text();
        } else if (event instanceof RelayEvent.ProtocolError p) {
            return "! protocol error: " + p.message();
        } else if (event instanceof RelayEvent.Bye b) {
            return "-- server: " + b.text();
        } else if (event instanceof RelayEvent.Connected c) {
            return "-- connected to " + server + " as " + c.nick() + " in #" + c.room()
                    + " (type /help for commands, /quit to leave)";
        } else if (event instanceof RelayEvent.Disconnected d) {
            return "-- disconnected: " + d.reason() + (d.reconnecting() ? "; reconnecting..." : "");
        } else if (event instanceof RelayEvent.Reconnected r) {
            return "-- reconnected as " + r.nick() + " in #" + r.room();
        }
        return "-- " + event;
    }
}
