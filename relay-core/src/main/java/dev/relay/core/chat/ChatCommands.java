package dev.relay.core.chat;

import dev.relay.core.Room;
import dev.relay.core.RoomRegistry;
import dev.relay.core.codec.FrameCodec;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * What each client line does: the only place that knows the command words. Runs on the sending
 * channel's event loop, called by {@link ChatHandler}; holds no state of its own.
 */
final class ChatCommands {

    private static final List<String> HELP = List.of(
            "Type a line to say it to your room. Commands:",
            "/nick NAME        change your nick (a letter, then letters, digits, _ or -; up to "
                    + Names.MAX_NICK_LENGTH + ")",
            "/join ROOM        move to ROOM (created if new; letters, digits, _ or -; a leading # is fine)",
            "/rooms            list the rooms and how many are in each",
            "/who [ROOM]       list who is in your room, or in ROOM",
            "/msg NICK TEXT    send TEXT to NICK only",
            "/me ACTION        say an action, shown as '* nick ACTION' by clients",
            "/ping [TOKEN]     the server answers PONG TOKEN",
            "/quit [REASON]    leave the server",
            "/help             this list",
            "Start a line with // to say something that begins with /");

    private final RoomRegistry rooms;
    private final SessionRegistry sessions;
    private final Delivery delivery;
    private final ChatLimits limits;

    ChatCommands(RoomRegistry rooms, SessionRegistry sessions, Delivery delivery, ChatLimits limits) {
        this.rooms = rooms;
        this.sessions = sessions;
        this.delivery = delivery;
        this.limits = limits;
    }

    void handle(ChannelHandlerContext ctx, Session session, String line) {
        if (isBlank(line)) {
            return;
        }
        if (line.charAt(0) != '/') {
            say(session, line);
        } else if (line.startsWith("//")) {
            say(session, line.substring(1));
        } else {
            int space = line.indexOf(' ');
            String word = (space < 0 ? line.substring(1) : line.substring(1, space)).toLowerCase(Locale.ROOT);
            String rest = space < 0 ? "" : line.substring(space + 1).strip();
            command(ctx, session, word, rest);
        }
    }

    private void command(ChannelHandlerContext ctx, Session session, String word, String rest) {
        switch (word) {
            case "nick" -> nick(ctx, session, rest);
            case "join" -> join(ctx, session, rest);
            case "rooms" -> {
                if (noArgs(ctx, rest, "/rooms")) {
                    ServerLines.rooms(roomList(), maxListLineBytes(ctx.channel())).forEach(line -> reply(ctx, line));
                }
            }
            case "who" -> who(ctx, session, rest);
            case "msg" -> privateMessage(ctx, session, rest);
            case "me" -> action(ctx, session, rest);
            // Answered at once, like every reply: a connection's replies come in the order of its lines.
            case "ping" -> reply(ctx, ServerLines.pong(rest));
            case "quit" -> quit(ctx, session, rest);
            case "help" -> {
                if (noArgs(ctx, rest, "/help")) {
                    HELP.forEach(text -> reply(ctx, ServerLines.info(text)));
                }
            }
            default -> error(ctx, ErrorCode.UNKNOWN_COMMAND,
                    "/" + word + " is not a command; /help lists them");
        }
    }

    private void say(Session session, String text) {
        Room room = session.room();
        delivery.toRoom(room.name(), session.channel(), ServerLines.message(room.name(), session.nick(), text));
    }

    private void action(ChannelHandlerContext ctx, Session session, String text) {
        if (text.isEmpty()) {
            error(ctx, ErrorCode.BAD_ARGS, "Usage: /me ACTION");
            return;
        }
        Room room = session.room();
        delivery.toRoom(room.name(), session.channel(), ServerLines.action(room.name(), session.nick(), text));
    }

    private void nick(ChannelHandlerContext ctx, Session session, String wanted) {
        if (wanted.isEmpty() || wanted.indexOf(' ') >= 0) {
            error(ctx, ErrorCode.BAD_ARGS, "Usage: /nick NAME");
            return;
        }
        String problem = Names.nickProblem(wanted);
        if (problem != null) {
            error(ctx, ErrorCode.BAD_NICK, "'" + wanted + "' is not a valid nick: " + problem);
            return;
        }
        String old = session.nick();
        if (old.equals(wanted)) {
            reply(ctx, ServerLines.info("You are already " + old));
            return;
        }
        if (!sessions.claim(wanted, session)) {
            error(ctx, ErrorCode.NICK_TAKEN, "The nick " + wanted + " is taken");
            return;
        }
        session.nick(wanted);
        if (!old.equalsIgnoreCase(wanted)) {
            sessions.release(old, session);
        }
        Room room = session.room();
        delivery.toRoom(room.name(), null, ServerLines.nick(room.name(), old, wanted));
    }

    private void join(ChannelHandlerContext ctx, Session session, String raw) {
        if (raw.isEmpty() || raw.indexOf(' ') >= 0) {
            error(ctx, ErrorCode.BAD_ARGS, "Usage: /join ROOM");
            return;
        }
        String name = Names.normalizeRoom(raw);
        String problem = Names.roomProblem(name);
        if (problem != null) {
            error(ctx, ErrorCode.BAD_ROOM, "'" + raw + "' is not a valid room: " + problem);
            return;
        }
        Room current = session.room();
        if (current.name().equals(name)) {
            reply(ctx, ServerLines.join(name, session.nick()));
            return;
        }
        Channel channel = session.channel();
        // Into the new room first, checking the caps in the same step; then out of the old one. Nothing
        // reaches the channel while it is in both (its own loop is busy with this), though a /who
        // elsewhere may list it in both for that moment.
        RoomRegistry.JoinResult joined = rooms.tryJoin(name, channel, limits.maxRooms(), limits.maxMembersPerRoom());
        if (joined == RoomRegistry.Refused.TOO_MANY_ROOMS) {
            error(ctx, ErrorCode.TOO_MANY_ROOMS, "The server has its maximum of " + limits.maxRooms()
                    + " rooms; join an existing one (/rooms lists them)");
            return;
        }
        if (joined == RoomRegistry.Refused.ROOM_FULL) {
            error(ctx, ErrorCode.ROOM_FULL, "#" + name + " has its maximum of " + limits.maxMembersPerRoom() + " members");
            return;
        }
        delivery.toRoom(current.name(), null, ServerLines.leave(current.name(), session.nick()));
        rooms.leave(current, channel);
        session.room(((RoomRegistry.Joined) joined).room());
        delivery.toRoom(name, null, ServerLines.join(name, session.nick()));
    }

    private void who(ChannelHandlerContext ctx, Session session, String raw) {
        if (raw.indexOf(' ') >= 0) {
            error(ctx, ErrorCode.BAD_ARGS, "Usage: /who [ROOM]");
            return;
        }
        String name = raw.isEmpty() ? session.room().name() : Names.normalizeRoom(raw);
        String problem = Names.roomProblem(name);
        if (problem != null) {
            error(ctx, ErrorCode.BAD_ROOM, "'" + raw + "' is not a valid room: " + problem);
            return;
        }
        Room room = rooms.get(name);
        List<String> nicks = new ArrayList<>();
        if (room != null) {
            for (Channel member : room.members()) {
                Session other = Session.of(member);
                if (other != null) {
                    nicks.add(other.nick());
                }
            }
        }
        nicks.sort(String.CASE_INSENSITIVE_ORDER);
        ServerLines.who(name, nicks, maxListLineBytes(ctx.channel())).forEach(line -> reply(ctx, line));
    }

    private void privateMessage(ChannelHandlerContext ctx, Session session, String rest) {
        int space = rest.indexOf(' ');
        String text = space < 0 ? "" : rest.substring(space + 1).strip();
        if (text.isEmpty()) {
            error(ctx, ErrorCode.BAD_ARGS, "Usage: /msg NICK TEXT");
            return;
        }
        String target = rest.substring(0, space);
        if (!delivery.toUser(target, ServerLines.privateMessage(session.nick(), text))) {
            error(ctx, ErrorCode.NO_SUCH_NICK, "No one here is called " + target);
        }
    }

    private void quit(ChannelHandlerContext ctx, Session session, String reason) {
        disconnect(session, reason.isEmpty() ? "quit" : reason, true);
        ChatHandler.closeAfter(ctx.channel(), ServerLines.bye("Goodbye, " + session.nick()), limits.closeTimeout());
    }

    /** Takes the session out of its room (telling the room if {@code announce}) and frees its nick; idempotent. */
    void disconnect(Session session, String reason, boolean announce) {
        Room room = session.room();
        if (room != null) {
            session.room(null);
            rooms.leave(room, session.channel());
            if (announce) {
                delivery.toRoom(room.name(), session.channel(), ServerLines.quit(room.name(), session.nick(), reason));
            }
        }
        sessions.release(session.nick(), session);
    }

    private List<String> roomList() {
        List<String> list = new ArrayList<>();
        for (Room room : rooms.rooms()) {
            int members = room.size();
            if (members > 0) { // a closed channel leaves its group a moment before its room
                list.add(room.name() + ':' + members);
            }
        }
        return list;
    }

    /** How long a line of a list answer to {@code channel} may be: per its frame limit, or 4096 bytes without a codec. */
    private static int maxListLineBytes(Channel channel) {
        FrameCodec codec = FrameCodec.of(channel);
        return codec == null ? ServerLines.MAX_LIST_LINE_BYTES : ServerLines.maxListLineBytes(codec.maxFrameLength());
    }

    /**
     * Whether {@code line} is empty or only spaces and tabs (U+0020, U+0009), which are ignored. Not
     * {@link String#isBlank()}: a line of other white space (U+3000, U+2003, ...) is text, and is said.
     */
    static boolean isBlank(String line) {
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (c != ' ' && c != '\t') {
                return false;
            }
        }
        return true;
    }

    private static boolean noArgs(ChannelHandlerContext ctx, String rest, String usage) {
        if (!rest.isEmpty()) {
            error(ctx, ErrorCode.BAD_ARGS, "Usage: " + usage + " (it takes no arguments)");
            return false;
        }
        return true;
    }

    /** Replies are only written here; {@link ChatHandler} flushes them once per read, on read-complete. */
    private static void reply(ChannelHandlerContext ctx, String line) {
        ctx.write(line, ctx.voidPromise());
    }

    private static void error(ChannelHandlerContext ctx, ErrorCode code, String text) {
        reply(ctx, ServerLines.error(code, text));
    }
}
