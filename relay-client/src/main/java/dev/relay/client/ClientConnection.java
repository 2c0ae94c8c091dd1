package dev.relay.client;

import dev.relay.core.chat.ErrorCode;
import dev.relay.core.chat.ServerLine;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.timeout.IdleState;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.util.concurrent.ScheduledFuture;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One TCP connection of a {@link RelayClient}: arrives with the client's nick and rooms, turns server
 * lines into events, matches answers to requests, and runs the heartbeat. One instance per channel;
 * every method runs on the client's event loop.
 *
 * <p>Setup: the first line sent is the arrival line, {@code /hello nick=... rooms=...} (PROTOCOL.md,
 * "A session"), so the session starts under the client's own nick in its own rooms, and a reconnect
 * shows the rooms nothing but a {@code QUIT} and a {@code JOIN}. After the {@code WELCOME} a
 * {@code /ping} marks the end of setup: its {@code PONG} comes after the {@code JOIN} of each room. If
 * the server refuses the arrival line (an {@code ERR} before any {@code WELCOME}), a first connect
 * fails with that error. A reconnect whose nick is taken tries again on new connections for a few
 * backoff steps (it is usually the client's own old session, not yet closed on the server), then goes
 * on without the nick; one refused for its rooms goes on without them.
 *
 * <p>Requests are matched without guessing: each command is sent between two pings,
 * {@code /ping OPEN}, the command, {@code /ping CLOSE}. The server answers one connection's lines in
 * order, so an {@code ERR} that arrives between {@code PONG OPEN} and {@code PONG CLOSE} is the
 * command's refusal, and a {@code PONG CLOSE} with no {@code ERR} before it is its success. An
 * {@code ERR} outside any such bracket (a chat line refused) is only reported as an event.
 *
 * <p>The lines of a {@code /who} or {@code /rooms} answer are put together into one event by a
 * {@link ListCollector}. Their end line comes before the {@code PONG CLOSE}, so such a request completes
 * after its {@link RelayEvent.WhoList} or {@link RelayEvent.RoomList} has been emitted. A line the client
 * discards (too long) or cannot read is reported as a {@link RelayEvent.ProtocolError}.
 */
final class ClientConnection extends ChannelInboundHandlerAdapter {

    private static final Logger log = LoggerFactory.getLogger(ClientConnection.class);
    private static final String HEARTBEAT_TOKEN = "heartbeat";

    private final RelayClient client;
    private final boolean reconnect;
    /** Requests by their closing token, in the order they were sent. */
    private final Map<String, Pending> pending = new LinkedHashMap<>();
    /** The request whose opening PONG has arrived and closing PONG has not: ERRs now are its own. */
    private @Nullable Pending current;
    private final ListCollector lists = new ListCollector();
    private @Nullable ChannelHandlerContext ctx;
    private @Nullable ScheduledFuture<?> setupTimeout;
    private boolean welcomed;
    private boolean ready;
    /** The token of the ping that ends setup, once welcomed. */
    private @Nullable String setupToken;
    /** How the arrival line has been cut down after refusals on a reconnect: 0 as wanted, 1 no nick, 2 neither. */
    private int fallback;
    /** Events between the welcome and the end of setup, emitted after Connected/Reconnected. */
    private final List<RelayEvent> early = new ArrayList<>();
    private String lostReason = "connection closed by the server";

    private static final class Pending {
        final CompletableFuture<Void> future;
        final String line;
        final String openToken;
        boolean open;
        RelayEvent.@Nullable ErrorReply refusal;
        @Nullable ScheduledFuture<?> timeout;

        Pending(CompletableFuture<Void> future, String line, String openToken) {
            this.future = future;
            this.line = line;
            this.openToken = openToken;
        }
    }

    ClientConnection(RelayClient client, boolean reconnect) {
        this.client = client;
        this.reconnect = reconnect;
    }

    boolean isReady() {
        return ready;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        this.ctx = ctx;
        client.connectionOpened(this);
        long millis = client.remainingConnectMillis();
        setupTimeout = ctx.executor().schedule(() -> {
            lostReason = "no welcome from the server within " + millis + " ms";
            ctx.close();
        }, millis, TimeUnit.MILLISECONDS);
        ctx.writeAndFlush(arrivalLine());
        ctx.fireChannelActive();
    }

    /** {@code /hello [nick=NICK] [rooms=A,B]}: what this connection arrives as, cut down by {@link #fallback}. */
    private String arrivalLine() {
        StringBuilder line = new StringBuilder("/hello");
        String nick = client.wantedNick();
        if (nick != null && fallback < 1) {
            line.append(" nick=").append(nick);
        }
        List<String> rooms = client.wantedRooms();
        if (!rooms.isEmpty() && fallback < 2) {
            line.append(" rooms=").append(String.join(",", rooms));
        }
        return line.toString();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof ByteBuf frame)) {
            ctx.fireChannelRead(msg);
            return;
        }
        String text;
        try {
            text = frame.toString(StandardCharsets.UTF_8);
        } finally {
            frame.release();
        }
        if (client.isClosed()) {
            return; // closed by the user: nothing more is reported
        }
        ServerLine line;
        try {
            line = ServerLine.parse(text);
        } catch (IllegalArgumentException e) {
            if (isKnownKind(text)) {
                client.emit(new RelayEvent.ProtocolError("a server line breaks its format: " + e.getMessage()));
            } else {
                log.debug("Ignoring a server line of a kind this client does not know: {}", e.getMessage());
            }
            return;
        }
        switch (line.kind()) {
            case WELCOME -> welcomed(line.arg(0), line.arg(1));
            case SERVER -> serverSaid(ServerLine.params(line.text()));
            case PONG -> answered(line.text());
            case ERR -> {
                RelayEvent.ErrorReply error = (RelayEvent.ErrorReply) java.util.Objects.requireNonNull(RelayEvent.of(line));
                if (!welcomed) {
                    arrivalRefused(error);
                    return;
                }
                if (current != null && current.refusal == null) {
                    current.refusal = error;
                }
                report(error);
            }
            case CURRENT -> {
                client.sawCurrent(line.arg(0));
                report(RelayEvent.of(line));
            }
            case LEAVE -> {
                client.sawLeave(line.arg(0), line.arg(1));
                report(RelayEvent.of(line));
            }
            case NICK -> {
                client.sawNick(line.arg(1), line.arg(2));
                report(RelayEvent.of(line));
            }
            case PRESENCE -> {
                RelayEvent event = RelayEvent.of(line);
                if (event instanceof RelayEvent.PresenceChanged presence) {
                    client.sawPresence(presence.room(), presence.quiet());
                }
                report(event); // during setup, after Connected: the client already knows the room is quiet
            }
            case JOIN -> {
                client.sawJoin(line.arg(0), line.arg(1));
                if (ready || !line.arg(1).equals(client.nick())) {
                    report(RelayEvent.of(line)); // this session's own rooms come in Connected/Reconnected
                }
            }
            case BYE -> {
                lostReason = "the server said: " + line.text();
                report(RelayEvent.of(line));
            }
            // The end line comes before the PONG that closes a /who request: the list is out first.
            case WHO, WHOEND, ROOMS, ROOMSEND -> lists.accept(line).forEach(this::report);
            default -> report(RelayEvent.of(line));
        }
    }

    private void welcomed(String nick, String room) {
        welcomed = true;
        client.sawWelcome(nick, room);
        setupToken = client.nextToken();
        if (ctx != null) {
            ctx.writeAndFlush("/ping " + setupToken); // answered after the JOIN of each of this session's rooms
        }
    }

    /**
     * Emits {@code event}, or holds it until the session is up if setup is still going on: what others
     * said or did between the {@code WELCOME} and the end of setup comes after {@code Connected}.
     */
    private void report(@Nullable RelayEvent event) {
        if (event == null) {
            return;
        }
        if (ready || !welcomed) {
            client.emit(event);
        } else {
            early.add(event);
        }
    }

    /** The end of setup: the session's rooms are all joined. */
    private void setupDone() {
        setupToken = null;
        if (setupTimeout != null) {
            setupTimeout.cancel(false);
        }
        ready = client.sessionReady(this, reconnect);
        if (ready) {
            early.forEach(client::emit);
        }
        early.clear();
    }

    /**
     * An {@code ERR} before the {@code WELCOME}: the server refused the arrival line, and waits for
     * another. A first connect fails with it; a reconnect goes on with less (no nick, then nothing),
     * reporting why.
     */
    private void arrivalRefused(RelayEvent.ErrorReply error) {
        if (!reconnect) {
            lostReason = "the server refused to start the session: " + error.text();
            client.setupFailed(this, new RelayClientException("the server refused '" + arrivalLine() + "': "
                    + error.text(), error.code(), null));
            if (ctx != null) {
                ctx.close();
            }
            return;
        }
        if (error.code() == ErrorCode.NICK_TAKEN && fallback == 0 && client.mayWaitForNick()) {
            // Most likely this client's own old session, which the server has not seen close yet: try
            // again on a new connection after the reconnect backoff, rather than become a guest.
            lostReason = "the nick " + client.wantedNick() + " is still taken (the old session?)";
            if (ctx != null) {
                ctx.close();
            }
            return;
        }
        client.emit(error);
        boolean nickProblem = error.code() == ErrorCode.NICK_TAKEN || error.code() == ErrorCode.BAD_NICK;
        fallback = nickProblem && fallback == 0 ? 1 : 2;
        if (ctx != null) {
            ctx.writeAndFlush(arrivalLine());
        }
    }

    /** The {@code SERVER} line: keeps the connection alive within the server's idle timeout. */
    private void serverSaid(Map<String, String> params) {
        client.sawServer(params);
        long idle = 0;
        try {
            idle = Long.parseLong(params.getOrDefault("idle-timeout-ms", "0"));
        } catch (NumberFormatException e) {
            client.emit(new RelayEvent.ProtocolError("a SERVER line with a bad idle-timeout-ms: " + params));
        }
        if (idle > 0 && ctx != null) {
            long heartbeat = client.config().heartbeatInterval().toMillis();
            long keepAlive = Math.max(1, idle * 2 / 5);
            long writerIdle = heartbeat > 0 ? Math.min(heartbeat, keepAlive) : keepAlive;
            RelayClientInitializer.setHeartbeat(ctx.pipeline(), heartbeat, writerIdle);
        }
    }

    /** Sends {@code line} and completes the future when the server has handled it. Event loop only. */
    CompletableFuture<Void> request(String line) {
        CompletableFuture<Void> future = new CompletableFuture<>();
        request(line, future);
        return future;
    }

    void request(String line, CompletableFuture<Void> future) {
        ChannelHandlerContext context = ctx;
        if (context == null || !context.channel().isActive()) {
            future.completeExceptionally(new RelayClientException("not connected"));
            return;
        }
        String openToken = client.nextToken();
        String token = client.nextToken();
        Pending request = new Pending(future, line, openToken);
        pending.put(token, request);
        long millis = client.config().requestTimeout().toMillis();
        request.timeout = context.executor().schedule(() -> {
            if (pending.remove(token) != null) {
                if (current == request) {
                    current = null;
                }
                future.completeExceptionally(new RelayClientException(
                        "no answer to '" + line + "' within " + millis + " ms"));
            }
        }, millis, TimeUnit.MILLISECONDS);
        context.write("/ping " + openToken);
        context.write(line);
        context.writeAndFlush("/ping " + token);
    }

    private void answered(String token) {
        if (token.equals(setupToken)) {
            setupDone();
            return;
        }
        for (Pending request : pending.values()) {
            if (request.openToken.equals(token)) {
                request.open = true;
                current = request;
                return;
            }
        }
        Pending request = pending.remove(token);
        if (request == null) {
            return; // a heartbeat, or a request that already timed out
        }
        if (current == request) {
            current = null;
        }
        if (request.timeout != null) {
            request.timeout.cancel(false);
        }
        RelayEvent.@Nullable ErrorReply refusal = request.refusal;
        if (refusal == null) {
            request.future.complete(null);
        } else {
            request.future.completeExceptionally(new RelayClientException(
                    "the server refused '" + request.line + "': " + refusal.text(), refusal.code(), null));
        }
    }

    /** Sends a chat line (no answer expected); the future completes when it is written. Any thread. */
    CompletableFuture<Void> write(String line) {
        CompletableFuture<Void> future = new CompletableFuture<>();
        ChannelHandlerContext context = ctx;
        if (context == null) {
            future.completeExceptionally(new RelayClientException("not connected"));
            return future;
        }
        context.channel().writeAndFlush(line).addListener(done -> {
            if (done.isSuccess()) {
                future.complete(null);
            } else {
                future.completeExceptionally(new RelayClientException(
                        "not sent: " + rootMessage(done.cause()), null, done.cause()));
            }
        });
        return future;
    }

    /** Says {@code /quit [reason]} and closes once it is written. Event loop only. */
    void quit(String reason) {
        if (ctx != null && ctx.channel().isActive()) {
            lostReason = "closed by this client";
            ctx.writeAndFlush(reason.isEmpty() ? "/quit" : "/quit " + reason).addListener(ChannelFutureListener.CLOSE);
        }
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof IdleStateEvent idle && idle.state() == IdleState.WRITER_IDLE) {
            ctx.writeAndFlush("/ping " + HEARTBEAT_TOKEN); // so that the server never finds this client idle
            return;
        }
        if (evt instanceof IdleStateEvent idle && idle.state() == IdleState.READER_IDLE) {
            if (idle.isFirst()) {
                ctx.writeAndFlush("/ping " + HEARTBEAT_TOKEN);
            } else {
                lostReason = "no answer from the server to a heartbeat ping";
                ctx.close();
            }
            return;
        }
        ctx.fireUserEventTriggered(evt);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (setupTimeout != null) {
            setupTimeout.cancel(false);
        }
        RelayClientException lost = new RelayClientException("connection lost: " + lostReason);
        for (Pending request : pending.values()) {
            if (request.timeout != null) {
                request.timeout.cancel(false);
            }
            request.future.completeExceptionally(lost);
        }
        pending.clear();
        current = null;
        client.connectionLost(this, lostReason);
        ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (cause instanceof TooLongFrameException) {
            log.debug("Discarded a server line over the client's limit: {}", cause.getMessage());
            if (!client.isClosed()) {
                client.emit(new RelayEvent.ProtocolError("discarded a line from the server longer than this client's "
                        + client.config().maxServerLineLength() + " bytes (is maxFrameLength the server's?)"));
            }
            return;
        }
        lostReason = rootMessage(cause);
        log.debug("Closing after an error", cause);
        if (cause instanceof RelayClientException setupProblem && !welcomed && !reconnect) {
            client.setupFailed(this, setupProblem); // e.g. a framing mismatch: the first connect fails with it at once
        }
        ctx.close();
    }

    private static boolean isKnownKind(String text) {
        int space = text.indexOf(' ');
        String word = space < 0 ? text : text.substring(0, space);
        for (ServerLine.Kind kind : ServerLine.Kind.values()) {
            if (kind.name().equals(word)) {
                return true;
            }
        }
        return false;
    }

    static String rootMessage(Throwable failure) {
        Throwable root = failure;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root.getMessage() != null ? root.getMessage() : root.getClass().getSimpleName();
    }
}
