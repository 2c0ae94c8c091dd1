package dev.relay.client;

import dev.relay.core.chat.ServerLine;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Puts the lines of a list answer back together (PROTOCOL.md, "Lists"): {@code WHO} lines until their
 * {@code WHOEND} become one {@link RelayEvent.WhoList}, {@code ROOMS} lines until {@code ROOMSEND} one
 * {@link RelayEvent.RoomList}. Other lines may come in between; they are not given to this.
 *
 * <p>Nothing is dropped quietly: an end line whose count does not match what came, a {@code WHO} for
 * another room before the {@code WHOEND} of the one being collected, or an unreadable room entry gives a
 * {@link RelayEvent.ProtocolError}, followed by the list as far as it came.
 *
 * <p>One per connection; the connection's event loop only.
 */
final class ListCollector {

    private @Nullable String whoRoom;
    private final List<String> nicks = new ArrayList<>();
    private final List<RelayEvent.RoomInfo> rooms = new ArrayList<>();
    private final List<RelayEvent> problems = new ArrayList<>();

    /**
     * Takes one {@code WHO}, {@code WHOEND}, {@code ROOMS} or {@code ROOMSEND} line and returns the
     * events it completes, in order: none for a line in the middle of a list.
     */
    List<RelayEvent> accept(ServerLine line) {
        List<RelayEvent> events = new ArrayList<>();
        switch (line.kind()) {
            case WHO -> {
                String room = line.arg(0);
                if (whoRoom != null && !whoRoom.equals(room)) {
                    events.add(new RelayEvent.ProtocolError("the list of #" + whoRoom
                            + " ended without WHOEND: a WHO for #" + room + " came"));
                    events.add(takeWho(whoRoom));
                }
                whoRoom = room;
                if (!line.text().isEmpty()) {
                    nicks.addAll(List.of(line.text().split(" ")));
                }
            }
            case WHOEND -> {
                String room = line.arg(0);
                if (whoRoom != null && !whoRoom.equals(room)) {
                    events.add(new RelayEvent.ProtocolError("the list of #" + whoRoom
                            + " ended without WHOEND: a WHOEND for #" + room + " came"));
                    events.add(takeWho(whoRoom));
                }
                checkCount(events, "WHOEND " + room, line.arg(1), nicks.size(), "nicks");
                events.add(takeWho(room));
            }
            case ROOMS -> {
                if (!line.text().isEmpty()) {
                    for (String pair : line.text().split(" ")) {
                        addRoom(pair);
                    }
                }
            }
            case ROOMSEND -> {
                checkCount(events, "ROOMSEND", line.arg(0), rooms.size(), "rooms");
                events.add(new RelayEvent.RoomList(List.copyOf(rooms)));
                rooms.clear();
            }
            default -> throw new IllegalArgumentException("not a line of a list: " + line);
        }
        return events;
    }

    private void addRoom(String pair) {
        int colon = pair.lastIndexOf(':');
        try {
            if (colon > 0) {
                rooms.add(new RelayEvent.RoomInfo(pair.substring(0, colon), Integer.parseInt(pair.substring(colon + 1))));
                return;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        problems.add(new RelayEvent.ProtocolError("a ROOMS entry is not name:count: '" + pair + "'"));
    }

    private void checkCount(List<RelayEvent> events, String end, String count, int came, String what) {
        events.addAll(problems);
        problems.clear();
        if (!count.equals(String.valueOf(came))) {
            events.add(new RelayEvent.ProtocolError(end + " said " + count + " " + what + ", but " + came + " came"));
        }
    }

    private RelayEvent.WhoList takeWho(String room) {
        RelayEvent.WhoList list = new RelayEvent.WhoList(room, List.copyOf(nicks));
        nicks.clear();
        whoRoom = null;
        return list;
    }
}
