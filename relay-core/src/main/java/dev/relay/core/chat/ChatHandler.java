package dev.relay.core.chat;

import dev.relay.core.CloseReason;
import dev.relay.core.Room;
import dev.relay.core.RoomRegistry;
import dev.relay.core.SlowConsumerGuard;
import dev.relay.core.codec.FrameCodec;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.channel.ChannelFutureListener;
import io.netty.util.AttributeKey;
import io.netty.util.concurrent.ScheduledFuture;
import java.io.IOException;
import java.nio.channels.ClosedChannelException;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.Objects;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The chat protocol handler (PROTOCOL.md): turns each protocol line into a chat message for the
 * sender's room or a command, and keeps the connection's {@link Session}.
 *
 * <p>It reads lines, not bytes: put a {@link ChatLineDecoder} before it, which turns each frame payload
 * into a cleaned {@link String} (or a {@link CleanLine}, the fast path). It writes {@link String} lines,
 * which the framing's encoder frames (a stream framing's {@link FrameCodec} encoder, or the WebSocket
 * encoder), and room traffic arrives pre-encoded through the {@link Delivery}.
 *
 * <p>The session starts on the {@link TransportReady} user event, never on {@code channelActive}: on a
 * port that first has to find out what kind of client it has, nothing can be said before. From then the
 * connection has what is left of its arrival window ({@link TransportReady#arrivalWindow()}) to send an
 * arrival line, {@code /hello nick=NICK rooms=ROOM,...}; its session starts with that nick in those
 * rooms, and nothing is announced before. Without one (a silent client, or a first line of another kind)
 * it gets a guest nick in the default room. Either way it is welcomed, and each of its rooms hears it
 * join; a connection is in one or more rooms, up to {@link ChatLimits#maxRoomsPerConnection()}, and one
 * of them is current. On disconnect each of its rooms is told, with the channel's {@link CloseReason} if
 * the server closed it. A room with more members than {@link ChatLimits#presenceLimit()} is told none of
 * this about others: each member hears only of itself (PROTOCOL.md, "Big rooms"). Everything said to
 * more than the sender goes through the {@link Delivery}.
 *
 * <p>Not this handler's jobs: backpressure on the sender (a {@link dev.relay.core.handler.ReadGateHandler}
 * before it, so that a client that does not read its replies is not read from), members that fall behind
 * on room traffic (the {@link SlowConsumerGuard}), silent connections (an {@link IdleCloser}).
 * {@link ChatPipeline} adds the handlers in order.
 *
 * <p>Every close this handler starts after a {@code BYE} line ({@code /quit}) has a deadline
 * ({@link ChatLimits#closeTimeout()}): a client that does not read gets closed anyway.
 *
 * <p>Stateless and {@link Sharable}: per-connection state is the channel's {@link Session}, touched
 * only on that channel's event loop; the registries are thread-safe.
 */
@Sharable
public final class ChatHandler extends ChannelInboundHandlerAdapter {

    /**
     * Set to {@code true} on a channel before closing it to take it out of its room without a
     * {@code QUIT} to the room: for a server shutdown, where everyone is leaving and the {@code BYE}
     * should be each client's last line.
     */
    public static final AttributeKey<Boolean> QUIET_CLOSE = AttributeKey.valueOf(ChatHandler.class, "quietClose");

    /** The room every connection starts in unless configured otherwise. */
    public static final String DEFAULT_ROOM = "lobby";

    /** Present while a connection is in its arrival window, without a session yet. */
    private static final AttributeKey<Arriving> ARRIVING = AttributeKey.valueOf(ChatHandler.class, "arriving");

    private static final Logger log = LoggerFactory.getLogger(ChatHandler.class);

    private final RoomRegistry rooms;
    private final SessionRegistry sessions;
    private final ChatLimits limits;
    private final ChatCommands commands;

    /**
     * @param defaultRoom the room a guest starts in (and an arrival that names no rooms); must follow the
     *                    room name rules
     */
    public ChatHandler(RoomRegistry rooms, SessionRegistry sessions, Delivery delivery, String defaultRoom) {
        this(rooms, sessions, delivery, defaultRoom, ChatLimits.DEFAULTS);
    }

    /**
     * @param defaultRoom the room a guest starts in (and an arrival that names no rooms); must follow the
     *                    room name rules
     * @param limits      the room limits to enforce
     */
    public ChatHandler(RoomRegistry rooms, SessionRegistry sessions, Delivery delivery, String defaultRoom,
            ChatLimits limits) {
        this.rooms = Objects.requireNonNull(rooms, "rooms");
        this.sessions = Objects.requireNonNull(sessions, "sessions");
        String problem = Names.roomProblem(defaultRoom);
        if (problem != null || !defaultRoom.equals(Names.normalizeRoom(defaultRoom))) {
            throw new IllegalArgumentException("bad default room '" + defaultRoom + "': "
                    + (problem != null ? problem : "use the lower-case name without '#'"));
        }
        this.limits = Objects.requireNonNull(limits, "limits");
        this.commands = new ChatCommands(rooms, sessions, Objects.requireNonNull(delivery, "delivery"), limits,
                defaultRoom);
    }

    /** A handler with its own registries and {@link LocalDelivery}, starting everyone in {@link #DEFAULT_ROOM}. */
    public static ChatHandler local() {
        RoomRegistry rooms = new RoomRegistry();
        SessionRegistry sessions = new SessionRegistry();
        return new ChatHandler(rooms, sessions, new LocalDelivery(rooms, sessions), DEFAULT_ROOM);
    }

    public RoomRegistry rooms() {
        return rooms;
    }

    public SessionRegistry sessions() {
        return sessions;
    }

    /** The limits this handler enforces, the arrival window among them. */
    public ChatLimits limits() {
        return limits;
    }

    /**
     * Starts the session once the transport is known ({@link TransportReady}): at once as a guest if no
     * arrival window is left, otherwise after the arrival line or when the window ends. A second
     * {@code TransportReady} on the same channel is ignored.
     */
    private void transportReady(ChannelHandlerContext ctx, TransportReady ready) {
        Channel channel = ctx.channel();
        if (Session.of(channel) != null || channel.attr(ARRIVING).get() != null || !channel.isActive()) {
            return;
        }
        rooms.guard().watch(channel); // held bytes count from here on, not from the first room
        if (ready.arrivalWindow().isZero()) {
            startGuest(ctx, !ready.silent());
            ctx.flush();
        } else {
            Arriving arriving = new Arriving(ready.arrivalWindow());
            channel.attr(ARRIVING).set(arriving);
            arriving.startWindow(ctx, this);
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        Arriving arriving = ctx.channel().attr(ARRIVING).getAndSet(null);
        if (arriving != null) {
            arriving.cancel();
        }
        Session session = Session.of(ctx.channel());
        if (session != null) {
            CloseReason reason = CloseReason.of(ctx.channel());
            boolean quiet = Boolean.TRUE.equals(ctx.channel().attr(QUIET_CLOSE).get());
            commands.disconnect(session, reason != null ? reason.text() : "connection closed", !quiet);
        }
        ctx.fireChannelInactive();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof CleanLine) && !(msg instanceof String)) {
            ctx.fireChannelRead(msg);
            return;
        }
        Session session = Session.of(ctx.channel()); // one attribute lookup per line, for both paths
        if (session != null && session.unannounced()) {
            commands.announce(session); // a silent guest's first line: its rooms hear of it first
        }
        String line;
        if (msg instanceof CleanLine clean) {
            if (session != null && relayedAsBytes(session, clean)) {
                return;
            }
            try {
                line = clean.text();
            } finally {
                clean.release();
            }
        } else {
            line = (String) msg;
        }
        if (session == null) {
            session = arrive(ctx, line);
            if (session == null) {
                return; // an arrival line (taken or refused), before the transport was ready, or closing
            }
        }
        if (session.room() != null) {
            commands.handle(ctx, session, line);
        }
    }

    /**
     * The chat line fast path: a clean line ({@link CleanLine}) for the current room becomes
     * {@code MSG room nick text} by copying its bytes after the session's cached prefix, with no string
     * made; it is the same line, byte for byte, as the string path would send.
     *
     * @return whether {@code clean} was handled (and released); not without a current room
     */
    private boolean relayedAsBytes(Session session, CleanLine clean) {
        Room room = session.room();
        if (room == null) {
            return false;
        }
        ByteBuf frame = clean.content();
        byte[] prefix = session.messagePrefix(room);
        ByteBuf line;
        try {
            line = session.channel().alloc().directBuffer(prefix.length + frame.readableBytes())
                    .writeBytes(prefix).writeBytes(frame, frame.readerIndex(), frame.readableBytes());
        } finally {
            clean.release();
        }
        commands.say(session, room, line);
        return true;
    }

    /**
     * The first line of a connection that is still in its arrival window: an arrival line starts the
     * session it names (or is refused with {@code ERR}, and the window starts again); any other line
     * starts a guest session, and is then handled as a line of that session.
     *
     * @return the session {@code line} should be handled in, or {@code null} if it was used up here
     */
    private @Nullable Session arrive(ChannelHandlerContext ctx, String line) {
        Arriving arriving = ctx.channel().attr(ARRIVING).get();
        if (arriving == null) {
            return null; // the transport is not ready yet (nothing may be said before), or a refusal is closing
        }
        if (!ChatCommands.isArrival(line)) {
            return startGuest(ctx, true);
        }
        ChatCommands.Arrival arrival = commands.parseArrival(ctx, line);
        Session session = arrival == null ? null : commands.start(ctx, arrival);
        if (session != null) {
            ctx.channel().attr(ARRIVING).set(null);
            arriving.cancel();
        } else {
            arriving.startWindow(ctx, this); // the client may try again, with as long as at first
        }
        return null;
    }

    /**
     * Starts a guest session in the default room; closes the connection if that room is full. Unless
     * {@code announce}, its rooms are not told until its first line (a silent guest).
     */
    private @Nullable Session startGuest(ChannelHandlerContext ctx, boolean announce) {
        Arriving arriving = ctx.channel().attr(ARRIVING).getAndSet(null);
        if (arriving != null) {
            arriving.cancel();
        }
        Session session = commands.start(ctx, new ChatCommands.Arrival(null, null), announce);
        if (session == null) { // after the ERR just written
            closeAfter(ctx.channel(), null, limits.closeTimeout(), CloseReason.Kind.POLICY, "no room for a new guest");
        }
        return session;
    }

    /**
     * The arrival window of a connection without a session: when it ends with no arrival line, the
     * connection becomes a guest. Event loop only.
     */
    private static final class Arriving {
        private final Duration window;
        private @Nullable ScheduledFuture<?> deadline;

        Arriving(Duration window) {
            this.window = window;
        }

        void startWindow(ChannelHandlerContext ctx, ChatHandler handler) {
            cancel();
            deadline = ctx.executor().schedule(() -> {
                if (ctx.channel().isActive() && ctx.channel().attr(ARRIVING).get() == this
                        && CloseReason.of(ctx.channel()) == null) {
                    handler.startGuest(ctx, false); // the whole window without a word: a silent guest
                    ctx.flush();
                }
            }, window.toNanos(), TimeUnit.NANOSECONDS);
        }

        void cancel() {
            if (deadline != null) {
                deadline.cancel(false);
                deadline = null;
            }
        }
    }

    /**
     * Flushes the replies to everything read in this batch at once: a client that sends several
     * commands in one packet gets its answers in one write.
     */
    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        ctx.flush();
        ctx.fireChannelReadComplete();
    }

    /**
     * Starts the session on {@link TransportReady}. On a {@link CloseReason} (the server is closing the
     * connection and says why: an {@link IdleCloser}), ends the session at once, telling its rooms: the
     * client may not read its goodbye, and its rooms should not wait for the close deadline. Passes every
     * event on.
     */
    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof TransportReady ready) {
            transportReady(ctx, ready);
        } else if (evt instanceof CloseReason reason) {
            Arriving arriving = ctx.channel().attr(ARRIVING).getAndSet(null);
            if (arriving != null) {
                arriving.cancel(); // no session to start
            }
            Session session = Session.of(ctx.channel());
            if (session != null && session.room() != null) {
                boolean quiet = Boolean.TRUE.equals(ctx.channel().attr(QUIET_CLOSE).get());
                commands.disconnect(session, reason.text(), !quiet);
            }
        }
        ctx.fireUserEventTriggered(evt);
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        boolean writable = ctx.channel().isWritable();
        long missed = writable ? SlowConsumerGuard.takeMissed(ctx.channel()) : 0;
        if (missed > 0) {
            ctx.writeAndFlush(ServerLines.info("You missed " + missed + " message" + (missed == 1 ? "" : "s")
                    + " because you were reading too slowly"), ctx.voidPromise());
        }
        ctx.fireChannelWritabilityChanged();
    }

    /**
     * Records why the server is closing {@code channel} ({@link CloseReason}), writes {@code line} (a
     * {@code BYE}; {@code null} for none) behind what is queued, closes the channel once it is written,
     * and closes it anyway after {@code timeout}: a client that does not read must not keep its
     * connection, its descriptor and its queue. Stops reading from it at once. Any thread.
     */
    public static void closeAfter(Channel channel, @Nullable String line, Duration timeout, CloseReason.Kind kind,
            String why) {
        CloseReason.set(channel, kind, why);
        channel.config().setAutoRead(false);
        channel.writeAndFlush(line != null ? line : Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
        if (channel.isOpen()) {
            ScheduledFuture<?> deadline = channel.eventLoop().schedule(() -> {
                channel.close();
            }, timeout.toNanos(), TimeUnit.NANOSECONDS);
            channel.closeFuture().addListener(closed -> deadline.cancel(false));
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (cause instanceof TooLongFrameException) {
            FrameCodec codec = FrameCodec.of(ctx.channel());
            String limit = codec == null ? "the limit" : codec.maxFrameLength() + " bytes";
            ctx.writeAndFlush(ServerLines.error(ErrorCode.TOO_LONG,
                    "Frame longer than " + limit + " discarded; the connection goes on"), ctx.voidPromise());
            return;
        }
        if (cause instanceof ClosedChannelException) {
            return; // a write that raced the close (queued before it, failed after): nothing to report
        }
        if (cause instanceof IOException || !ctx.channel().isActive()) {
            // A peer resetting or a write racing a close: routine for a network server.
            log.debug("Closing {}: {}", ctx.channel(), cause.toString());
        } else {
            log.warn("Closing {} after an unexpected error", ctx.channel(), cause);
        }
        ctx.close();
    }

}
