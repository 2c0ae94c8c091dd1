package dev.relay.core.chat;

import dev.relay.core.CloseReason;
import dev.relay.core.Room;
import dev.relay.core.RoomRegistry;
import dev.relay.core.codec.FrameCodec;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.timeout.IdleStateHandler;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * What each client line does: the only place that knows the command words, and how a session starts
 * (an arrival line, or a guest). Runs on the sending channel's event loop, called by {@link ChatHandler};
 * holds no state of its own.
 */
final class ChatCommands {

    /** The protocol version the {@code SERVER} line states. */
    static final int PROTOCOL_VERSION = 2;

    private static final List<String> HELP = List.of(
            "Type a line to say it to your current room. Commands:",
            "/nick NAME        change your nick (a letter, then letters, digits, _ or -; up to "
                    + Names.MAX_NICK_LENGTH + ")",
            "/join ROOM        join ROOM (created if new) and make it your current room",
            "/switch ROOM      make ROOM (one you are in) your current room",
            "/part [ROOM]      leave ROOM, or your current room",
            "/say ROOM TEXT    say TEXT in ROOM (one you are in) without switching to it",
            "/rooms            list the rooms and how many are in each",
            "/who [ROOM]       list who is in your current room, or in ROOM",
            "/msg NICK TEXT    send TEXT to NICK only",
            "/me ACTION        say an action, shown as '* nick ACTION' by clients",
            "/ping [TOKEN]     the server answers PONG TOKEN",
            "/quit [REASON]    leave the server",
            "/help             this list",
            "Room names: letters, digits, _ or -; a leading # is fine. Start a line with // to say something "
                    + "that begins with /");

    private final RoomRegistry rooms;
    private final SessionRegistry sessions;
    private final Delivery delivery;
    private final ChatLimits limits;
    private final String defaultRoom;
    private final Presence presence;

    ChatCommands(RoomRegistry rooms, SessionRegistry sessions, Delivery delivery, ChatLimits limits,
            String defaultRoom) {
        this.rooms = rooms;
        this.sessions = sessions;
        this.delivery = delivery;
        this.limits = limits;
        this.defaultRoom = defaultRoom;
        this.presence = new Presence(delivery, limits);
    }

    // ---- starting a session

    /** What an arrival line asks for: a nick and rooms, each {@code null} for the guest default. */
    record Arrival(@Nullable String nick, @Nullable List<String> rooms) {
    }

    /** Whether {@code line} is an arrival line ({@code /hello ...}, the command word in any case). */
    static boolean isArrival(String line) {
        return line.regionMatches(true, 0, "/hello", 0, 6) && (line.length() == 6 || line.charAt(6) == ' ');
    }

    /**
     * Reads the options of an arrival line, answering {@code ERR} to a malformed one.
     *
     * @return the arrival, or {@code null} if the line was refused
     */
    @Nullable Arrival parseArrival(ChannelHandlerContext ctx, String line) {
        String nick = null;
        List<String> wanted = null;
        for (String option : line.substring(6).split(" ")) {
            if (option.isEmpty()) {
                continue;
            }
            int eq = option.indexOf('=');
            String key = eq < 0 ? option : option.substring(0, eq).toLowerCase(Locale.ROOT);
            String value = eq < 0 ? "" : option.substring(eq + 1);
            if (eq < 0 || value.isEmpty()) {
                error(ctx, ErrorCode.BAD_ARGS, "'" + option + "' is not an option; usage: /hello [nick=NICK] "
                        + "[rooms=ROOM,ROOM...]");
                return null;
            }
            switch (key) {
                case "nick" -> {
                    if (nick != null) {
                        error(ctx, ErrorCode.BAD_ARGS, "nick= is given twice");
                        return null;
                    }
                    String problem = Names.nickProblem(value);
                    if (problem != null) {
                        error(ctx, ErrorCode.BAD_NICK, "'" + value + "' is not a valid nick: " + problem);
                        return null;
                    }
                    nick = value;
                }
                case "rooms" -> {
                    if (wanted != null) {
                        error(ctx, ErrorCode.BAD_ARGS, "rooms= is given twice");
                        return null;
                    }
                    wanted = new ArrayList<>();
                    for (String raw : value.split(",", -1)) {
                        String name = Names.normalizeRoom(raw);
                        String problem = Names.roomProblem(name);
                        if (problem != null) {
                            error(ctx, ErrorCode.BAD_ROOM, "'" + raw + "' is not a valid room: " + problem);
                            return null;
                        }
                        if (!wanted.contains(name)) {
                            wanted.add(name);
                        }
                    }
                    if (wanted.size() > limits.maxRoomsPerConnection()) {
                        error(ctx, ErrorCode.TOO_MANY_JOINED, "A connection may be in at most "
                                + limits.maxRoomsPerConnection() + " rooms at once; rooms= names " + wanted.size());
                        return null;
                    }
                }
                default -> {
                    error(ctx, ErrorCode.BAD_ARGS, "'" + key + "' is not an option of /hello; it takes nick= and "
                            + "rooms=");
                    return null;
                }
            }
        }
        return new Arrival(nick, wanted);
    }

    /**
     * Starts the session of {@code ctx}'s channel as {@code arrival} asks: claims the nick (a guest nick
     * if none), joins the rooms (the default room if none), then says {@code WELCOME} and {@code SERVER}
     * to the client and {@code JOIN} to each room (to the client alone in a quiet room, followed by
     * {@code PRESENCE room off}). All or nothing: if the nick is taken or a room refuses, the client gets
     * one {@code ERR}, nothing is announced and no session exists.
     *
     * @return the session, or {@code null} if refused
     */
    @Nullable Session start(ChannelHandlerContext ctx, Arrival arrival) {
        return start(ctx, arrival, true);
    }

    /**
     * As {@link #start(ChannelHandlerContext, Arrival)}; unless {@code announce}, the session's rooms are
     * not told of it (nor is it listed by {@code /who}) until {@link #announce} after its first line.
     */
    @Nullable Session start(ChannelHandlerContext ctx, Arrival arrival, boolean announce) {
        Channel channel = ctx.channel();
        Session session = new Session(channel, "");
        if (arrival.nick() == null) {
            session.nick(sessions.claimGuestNick(session));
        } else if (sessions.claim(arrival.nick(), session)) {
            session.nick(arrival.nick());
        } else {
            error(ctx, ErrorCode.NICK_TAKEN, "The nick " + arrival.nick() + " is taken");
            return null;
        }
        List<String> names = arrival.rooms() != null ? arrival.rooms() : List.of(defaultRoom);
        List<Room> joined = new ArrayList<>(names.size());
        for (String name : names) {
            // The default room may always exist, so only its size counts.
            int maxRooms = name.equals(defaultRoom) ? Integer.MAX_VALUE : limits.maxRooms();
            RoomRegistry.JoinResult result = rooms.tryJoin(name, channel, maxRooms, limits.maxMembersPerRoom());
            if (result instanceof RoomRegistry.Joined ok) {
                joined.add(ok.room());
                continue;
            }
            for (Room room : joined) {
                rooms.leave(room, channel);
            }
            sessions.release(session.nick(), session);
            refuseJoin(ctx, (RoomRegistry.Refused) result, name);
            return null;
        }
        for (int i = joined.size() - 1; i >= 0; i--) {
            session.makeCurrent(joined.get(i)); // the first named ends up current
        }
        session.unannounced(!announce);
        session.attach();
        reply(ctx, ServerLines.welcome(session.nick(), names));
        reply(ctx, ServerLines.server(serverParams(channel)));
        for (Room room : joined) {
            presence.joined(ctx, session, room, announce); // counted only now: a refused arrival never was
        }
        return session;
    }

    /** A silent guest spoke: each of its rooms now hears it join, as the others would have at once. */
    void announce(Session session) {
        session.unannounced(false);
        for (Room room : session.rooms()) {
            presence.announceJoin(session, room);
        }
    }

    /** What the {@code SERVER} line says: the protocol version and the limits a client should know. */
    private Map<String, Object> serverParams(Channel channel) {
        Map<String, Object> params = new LinkedHashMap<>();
        params.put("protocol", PROTOCOL_VERSION);
        IdleStateHandler idle = channel.pipeline().get(IdleStateHandler.class);
        params.put("idle-timeout-ms", idle == null ? 0 : idle.getReaderIdleTimeInMillis());
        FrameCodec codec = FrameCodec.of(channel);
        if (codec != null) {
            params.put("framing", codec.framing().name().toLowerCase(Locale.ROOT));
            params.put("max-frame-length", codec.maxFrameLength());
        }
        params.put("max-rooms-per-connection", limits.maxRoomsPerConnection());
        params.put("presence-limit", limits.presenceLimit());
        return params;
    }

    // ---- lines of a session

    void handle(ChannelHandlerContext ctx, Session session, String line) {
        if (isBlank(line)) {
            return;
        }
        if (line.charAt(0) != '/') {
            say(session, session.room(), line);
        } else if (line.startsWith("//")) {
            say(session, session.room(), line.substring(1));
        } else {
            int space = line.indexOf(' ');
            String word = (space < 0 ? line.substring(1) : line.substring(1, space)).toLowerCase(Locale.ROOT);
            String rest = space < 0 ? "" : line.substring(space + 1).strip();
            command(ctx, session, word, rest, line);
        }
    }

    private void command(ChannelHandlerContext ctx, Session session, String word, String rest, String line) {
        switch (word) {
            case "nick" -> nick(ctx, session, rest);
            case "join" -> join(ctx, session, rest);
            case "part" -> part(ctx, session, rest);
            case "switch" -> switchTo(ctx, session, rest);
            case "say" -> sayTo(ctx, session, rest);
            case "rooms" -> {
                if (noArgs(ctx, rest, "/rooms")) {
                    ServerLines.rooms(roomList(), maxListLineBytes(ctx.channel())).forEach(out -> reply(ctx, out));
                }
            }
            case "who" -> who(ctx, session, rest);
            case "msg" -> privateMessage(ctx, session, rest);
            case "me" -> action(ctx, session, rest);
            // Answered at once, like every reply: a connection's replies come in the order of its lines.
            case "ping" -> reply(ctx, ServerLines.pong(rest));
            case "quit" -> quit(ctx, session, rest);
            case "hello" -> lateArrival(ctx, session, line);
            case "help" -> {
                if (noArgs(ctx, rest, "/help")) {
                    HELP.forEach(text -> reply(ctx, ServerLines.info(text)));
                }
            }
            default -> error(ctx, ErrorCode.UNKNOWN_COMMAND,
                    "/" + word + " is not a command; /help lists them");
        }
    }

    private void say(Session session, @Nullable Room room, String text) {
        if (room != null) {
            delivery.toRoom(room.name(), session.channel(), ServerLines.message(room.name(), session.nick(), text));
        }
    }

    /** Says a chat line already built as {@code MSG room nick text} bytes (see {@link Delivery}); takes it. */
    void say(Session session, Room room, ByteBuf line) {
        delivery.toRoom(room.name(), session.channel(), line);
    }

    private void sayTo(ChannelHandlerContext ctx, Session session, String rest) {
        int space = rest.indexOf(' ');
        String text = space < 0 ? "" : rest.substring(space + 1);
        if (isBlank(text)) {
            error(ctx, ErrorCode.BAD_ARGS, "Usage: /say ROOM TEXT");
            return;
        }
        Room room = memberRoom(ctx, session, rest.substring(0, space));
        if (room != null) {
            say(session, room, text);
        }
    }

    private void action(ChannelHandlerContext ctx, Session session, String text) {
        if (text.isEmpty()) {
            error(ctx, ErrorCode.BAD_ARGS, "Usage: /me ACTION");
            return;
        }
        Room room = session.room();
        if (room != null) {
            delivery.toRoom(room.name(), session.channel(), ServerLines.action(room.name(), session.nick(), text));
        }
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
        for (Room room : session.rooms()) {
            presence.renamed(ctx, room, old, wanted);
        }
    }

    private void join(ChannelHandlerContext ctx, Session session, String raw) {
        if (raw.isEmpty() || raw.indexOf(' ') >= 0) {
            error(ctx, ErrorCode.BAD_ARGS, "Usage: /join ROOM");
            return;
        }
        String name = roomName(ctx, raw);
        if (name != null) {
            join(ctx, session, name, true);
        }
    }

    /**
     * Joins room {@code name} (valid, normalised), announcing it with {@code JOIN} (to the client alone,
     * and {@code PRESENCE room off}, if the room is quiet), or answers why not. A room the session is in
     * already is only made current. With {@code makeCurrent}, the room becomes current and the client is
     * told with {@code CURRENT}.
     */
    private void join(ChannelHandlerContext ctx, Session session, String name, boolean makeCurrent) {
        Room existing = session.room(name);
        if (existing != null) {
            if (makeCurrent) {
                session.makeCurrent(existing);
                reply(ctx, ServerLines.current(name));
            }
            return;
        }
        if (session.roomCount() >= limits.maxRoomsPerConnection()) {
            error(ctx, ErrorCode.TOO_MANY_JOINED, "You are in " + session.roomCount() + " rooms, as many as a "
                    + "connection may be in; /part one first");
            return;
        }
        RoomRegistry.JoinResult joined = rooms.tryJoin(name, session.channel(), limits.maxRooms(),
                limits.maxMembersPerRoom());
        if (!(joined instanceof RoomRegistry.Joined ok)) {
            refuseJoin(ctx, (RoomRegistry.Refused) joined, name);
            return;
        }
        Room room = ok.room();
        if (makeCurrent) {
            session.makeCurrent(room);
        } else {
            Room current = session.room();
            session.makeCurrent(room);
            if (current != null) {
                session.makeCurrent(current);
            }
        }
        presence.joined(ctx, session, room);
        if (makeCurrent) {
            reply(ctx, ServerLines.current(name)); // after the JOIN: the encoder writes queued room lines first
        }
    }

    private void part(ChannelHandlerContext ctx, Session session, String raw) {
        if (raw.indexOf(' ') >= 0) {
            error(ctx, ErrorCode.BAD_ARGS, "Usage: /part [ROOM]");
            return;
        }
        Room room = raw.isEmpty() ? session.room() : memberRoom(ctx, session, raw);
        if (room == null) {
            return;
        }
        if (session.roomCount() == 1) {
            error(ctx, ErrorCode.LAST_ROOM, "#" + room.name() + " is the only room you are in; /join another "
                    + "before you leave it, or /quit");
            return;
        }
        boolean wasCurrent = room == session.room();
        Presence.Step step = presence.parting(ctx, session, room); // LEAVE while still in it: you hear it too
        rooms.leave(room, session.channel());
        session.remove(room);
        presence.departed(room, step);
        Room current = session.room();
        if (wasCurrent && current != null) {
            reply(ctx, ServerLines.current(current.name()));
        }
    }

    private void switchTo(ChannelHandlerContext ctx, Session session, String raw) {
        if (raw.isEmpty() || raw.indexOf(' ') >= 0) {
            error(ctx, ErrorCode.BAD_ARGS, "Usage: /switch ROOM");
            return;
        }
        Room room = memberRoom(ctx, session, raw);
        if (room != null) {
            session.makeCurrent(room);
            reply(ctx, ServerLines.current(room.name()));
        }
    }

    /**
     * A {@code /hello} once the session has started (it came after the arrival window): does what it
     * names, as {@code /nick} and {@code /join} would; the first room named becomes current.
     */
    private void lateArrival(ChannelHandlerContext ctx, Session session, String line) {
        Arrival arrival = parseArrival(ctx, line);
        if (arrival == null) {
            return;
        }
        if (arrival.nick() != null && !arrival.nick().equals(session.nick())) {
            nick(ctx, session, arrival.nick());
        }
        List<String> names = arrival.rooms() == null ? List.of() : arrival.rooms();
        for (int i = 0; i < names.size(); i++) {
            join(ctx, session, names.get(i), i == 0); // the others go in behind the first, which stays current
        }
    }

    private void who(ChannelHandlerContext ctx, Session session, String raw) {
        if (raw.indexOf(' ') >= 0) {
            error(ctx, ErrorCode.BAD_ARGS, "Usage: /who [ROOM]");
            return;
        }
        Room current = session.room();
        String name = raw.isEmpty() && current != null ? current.name() : roomName(ctx, raw);
        if (name == null) {
            return;
        }
        Room room = rooms.get(name);
        List<String> nicks = new ArrayList<>();
        if (room != null) {
            for (Channel member : room.members()) {
                Session other = Session.of(member);
                if (other != null && !other.unannounced()) {
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
        String goodbye = "Goodbye, " + session.nick();
        ChatHandler.closeAfter(ctx.channel(), ServerLines.bye(goodbye), limits.closeTimeout(), CloseReason.Kind.NORMAL,
                goodbye);
    }

    /**
     * Takes the session out of all its rooms (telling each that is not quiet with one {@code QUIT} if
     * {@code announce}) and frees its nick; idempotent.
     */
    void disconnect(Session session, String reason, boolean announce) {
        for (Room room : session.removeAll()) {
            rooms.leave(room, session.channel());
            presence.quit(session, room, reason, announce);
        }
        sessions.release(session.nick(), session);
    }

    // ---- helpers

    /** The normalised room name {@code raw} stands for, or {@code null} after answering {@code ERR bad-room}. */
    private static @Nullable String roomName(ChannelHandlerContext ctx, String raw) {
        String name = Names.normalizeRoom(raw);
        String problem = Names.roomProblem(name);
        if (problem != null) {
            error(ctx, ErrorCode.BAD_ROOM, "'" + raw + "' is not a valid room: " + problem);
            return null;
        }
        return name;
    }

    /** The session's room {@code raw} names, or {@code null} after answering why there is none. */
    private static @Nullable Room memberRoom(ChannelHandlerContext ctx, Session session, String raw) {
        String name = roomName(ctx, raw);
        if (name == null) {
            return null;
        }
        Room room = session.room(name);
        if (room == null) {
            error(ctx, ErrorCode.NOT_IN_ROOM, "You are not in #" + name + "; /join " + name + " first");
        }
        return room;
    }

    private void refuseJoin(ChannelHandlerContext ctx, RoomRegistry.Refused refused, String name) {
        if (refused == RoomRegistry.Refused.TOO_MANY_ROOMS) {
            error(ctx, ErrorCode.TOO_MANY_ROOMS, "The server has its maximum of " + limits.maxRooms()
                    + " rooms; join an existing one (/rooms lists them)");
        } else {
            error(ctx, ErrorCode.ROOM_FULL, "#" + name + " has its maximum of " + limits.maxMembersPerRoom()
                    + " members");
        }
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
