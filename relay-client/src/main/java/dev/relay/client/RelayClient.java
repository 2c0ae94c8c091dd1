package dev.relay.client;

import dev.relay.core.chat.Names;
import dev.relay.core.codec.FrameCodec;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.ScheduledFuture;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A client of a relay server: connects as its nick into its rooms, sends, and reports what happens as
 * typed {@link RelayEvent}s to a {@link RelayListener}.
 *
 * <pre>{@code
 * RelayClientConfig config = RelayClientConfig.builder().host("localhost").port(7777)
 *         .nick("alice").room("dev").build();
 * try (RelayClient client = new RelayClient(config, event -> System.out.println(event))) {
 *     client.connect().get(10, TimeUnit.SECONDS);   // welcomed, nick and room taken
 *     client.send("hello").get();
 * }
 * }</pre>
 *
 * <p><b>Arriving.</b> The client's first line is the arrival line ({@code /hello nick=... rooms=...},
 * PROTOCOL.md), so the session starts under its own nick in its own rooms: the rooms see one
 * {@code JOIN}, never a guest and a rename.
 *
 * <p><b>Reconnect.</b> When an established connection is lost (or the heartbeat finds the server
 * silent), the client reports {@link RelayEvent.Disconnected} and, if its {@link ReconnectPolicy}
 * allows, retries with backoff, arriving with the last nick it chose and every room it was in (the
 * current one current again), and reports {@link RelayEvent.Reconnected}. The rooms see the
 * {@code QUIT} of the old connection and the {@code JOIN} of the new one, nothing else. The first
 * {@link #connect()} does not retry: it fails so the caller learns at once that the server is not
 * there.
 *
 * <p><b>Keep-alive.</b> The server states its idle timeout in its {@code SERVER} line; the client
 * pings after 40% of it without sending anything, so a client that only listens is never idle-closed.
 * With {@link RelayClientConfig#heartbeatInterval()} it also pings after that long without sending or
 * hearing anything, and drops a connection that stays silent as long again.
 *
 * <p><b>Sending while disconnected</b> fails the returned future with {@link RelayClientException}
 * ("not connected"): nothing is queued, so nothing is ever dropped silently or sent late.
 *
 * <p><b>Futures.</b> {@link #send} completes when the line is written to the socket (there is no
 * answer to a chat line). {@link #nick}, {@link #join}, {@link #privateMessage} and {@link #command}
 * complete when the server has handled the command, or fail with the server's {@code ERR} (see
 * {@link RelayClientException#errorCode()}) or after the request timeout. {@code command("/who")}
 * completes after the whole list has arrived and been reported as one {@link RelayEvent.WhoList}
 * (likewise {@code /rooms}).
 *
 * <p><b>Nothing is lost quietly.</b> A server line longer than the client accepts is discarded and
 * reported as {@link RelayEvent.ProtocolError}; the connection goes on.
 *
 * <p><b>Threads.</b> The client owns one event loop thread ({@code relay-client-*}), started by the
 * constructor; the listener runs on it and futures complete on it, so do not block in either.
 * {@link #close()} stops the thread: always close a client, also after a failed {@link #connect()}
 * (try-with-resources does). All methods are thread-safe; lines sent from one thread go out in the
 * order they were sent.
 *
 * <p><b>Limits.</b> {@link RelayClientConfig#maxFrameLength()} should equal the server's limit: the
 * client refuses longer lines itself, so the server never has to answer a chat line with an error.
 */
public final class RelayClient implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(RelayClient.class);

    private enum State { NEW, CONNECTING, CONNECTED, RECONNECTING, CLOSED }

    /** Reconnect attempts that wait for a taken nick to come free (with the default backoff, about 4 s). */
    static final int NICK_WAIT_ATTEMPTS = 5;

    private final RelayClientConfig config;
    private final RelayListener listener;
    private final EventLoopGroup group;
    private final EventLoop loop;
    private final FrameCodec codec;
    private final CompletableFuture<Void> firstConnect = new CompletableFuture<>();
    private final AtomicLong tokens = new AtomicLong();
    private final Random random = new Random();
    /** Makes this client's ping tokens unguessable, so a user's own /ping cannot answer a request. */
    private final String tokenPrefix = Long.toString(new Random().nextLong() & Long.MAX_VALUE, 36);

    // Event loop only.
    private State state = State.NEW;
    private int attempt;
    private long connectDeadlineNanos;
    private @Nullable ScheduledFuture<?> retry;
    private @Nullable ClientConnection settingUp;

    // Written on the event loop, read anywhere.
    private volatile @Nullable ClientConnection connection;
    private volatile String nick = "";
    /** The current room. */
    private volatile String room = "";
    /** The rooms this client is in, in the order joined; replaced, never changed in place. */
    private volatile List<String> rooms = List.of();
    private volatile @Nullable String wantedNick;
    /** The rooms to arrive in on the next connection, the current one first. */
    private volatile List<String> wantedRooms;
    /** What the server's {@code SERVER} line said; empty before it. */
    private volatile Map<String, String> serverParams = Map.of();
    /** The rooms the server said are quiet (PRESENCE off); replaced, never changed in place. */
    private volatile Set<String> quietRooms = Set.of();

    public RelayClient(RelayClientConfig config, RelayListener listener) {
        this.config = Objects.requireNonNull(config, "config");
        this.listener = Objects.requireNonNull(listener, "listener");
        this.wantedNick = config.nick();
        this.wantedRooms = config.rooms();
        this.codec = new FrameCodec(config.framing(), config.maxServerLineLength());
        this.group = new MultiThreadIoEventLoopGroup(1, new DefaultThreadFactory("relay-client"),
                NioIoHandler.newFactory());
        this.loop = group.next();
        warmUp(codec);
    }

    /**
     * Encodes and frees one line, here rather than at the first write: a cold JVM spends a few hundred
     * ms on its first buffer (the allocator's set-up, and Netty's Flight Recorder events), and the first
     * write is the arrival line, which must reach the server within its arrival window (250 ms by
     * default) for the session to start as this client's nick in its rooms.
     */
    private static void warmUp(FrameCodec codec) {
        codec.encode(ByteBufAllocator.DEFAULT, "/hello").release();
    }

    public RelayClientConfig config() {
        return config;
    }

    /**
     * Connects and sets up the session. The future completes once the server has welcomed the client
     * under the configured nick in the configured rooms; it fails with {@link RelayClientException} if
     * the server cannot be reached, refuses the nick or a room (with the server's
     * {@link RelayClientException#errorCode()}), speaks the other framing (said at its first bytes,
     * naming the framing to use), or does not answer within the connect timeout. Calling it again
     * returns the same outcome.
     */
    public CompletableFuture<Void> connect() {
        boolean queued = onLoop(() -> {
            if (state == State.NEW) {
                state = State.CONNECTING;
                open(false);
            }
        });
        if (!queued) {
            firstConnect.completeExceptionally(new RelayClientException("the client is closed"));
        }
        return firstConnect.copy();
    }

    /** Says {@code text} to the current room. A leading {@code /} is escaped, so text is never a command. */
    public CompletableFuture<Void> send(String text) {
        return sendLine(text.startsWith("/") ? "/" + text : text);
    }

    /** Changes nick; completes when the server has confirmed it. */
    public CompletableFuture<Void> nick(String newNick) {
        String problem = Names.nickProblem(newNick);
        return problem != null ? failed(new IllegalArgumentException(problem)) : command("/nick " + newNick);
    }

    /**
     * Joins {@code room} (if not in it already) and makes it the current room; completes when the server
     * has confirmed it. Fails with {@code too-many-joined} when this connection is in as many rooms as
     * the server allows.
     */
    public CompletableFuture<Void> join(String room) {
        return roomCommand("/join ", room);
    }

    /**
     * Leaves {@code room}; completes when the server has confirmed it. Fails with {@code last-room} for
     * the only room this client is in, and {@code not-in-room} for one it is not in.
     */
    public CompletableFuture<Void> part(String room) {
        return roomCommand("/part ", room);
    }

    /** Makes {@code room}, one this client is in, the current room; completes when the server has confirmed it. */
    public CompletableFuture<Void> switchTo(String room) {
        return roomCommand("/switch ", room);
    }

    /**
     * Says {@code text} in {@code room}, one this client is in, without making it current. Completes when
     * written, like {@link #send}; if the server refuses it (not in that room), an {@link
     * RelayEvent.ErrorReply} reports it.
     */
    public CompletableFuture<Void> say(String room, String text) {
        String name = Names.normalizeRoom(room);
        String problem = Names.roomProblem(name);
        if (problem != null) {
            return failed(new IllegalArgumentException(problem));
        }
        String line = "/say " + name + ' ' + text;
        String lineProblem = lineProblem(line);
        if (lineProblem != null) {
            return failed(new IllegalArgumentException(lineProblem));
        }
        ClientConnection current = connection;
        return current == null ? failed(new RelayClientException("not connected")) : current.write(line);
    }

    private CompletableFuture<Void> roomCommand(String command, String room) {
        String name = Names.normalizeRoom(room);
        String problem = Names.roomProblem(name);
        return problem != null ? failed(new IllegalArgumentException(problem)) : command(command + name);
    }

    /** Sends {@code text} to {@code toNick} only; fails with {@code no-such-nick} if no one has that nick. */
    public CompletableFuture<Void> privateMessage(String toNick, String text) {
        return command("/msg " + toNick + " " + text);
    }

    /**
     * Sends a line exactly as a person would type it: a {@code /command} (answered like
     * {@link #nick}) or, otherwise, a chat line (completed when written). For consoles and bots that
     * pass commands through.
     */
    public CompletableFuture<Void> sendLine(String line) {
        if (line.startsWith("/") && !line.startsWith("//")) {
            return command(line);
        }
        String problem = lineProblem(line);
        if (problem != null) {
            return failed(new IllegalArgumentException(problem));
        }
        ClientConnection current = connection;
        return current == null ? failed(new RelayClientException("not connected")) : current.write(line);
    }

    /** Sends a command line ({@code /who}, {@code /me waves}, ...) and completes when the server has handled it. */
    public CompletableFuture<Void> command(String line) {
        String problem = lineProblem(line);
        if (problem != null) {
            return failed(new IllegalArgumentException(problem));
        }
        String word = line.split(" ", 2)[0];
        if (word.equalsIgnoreCase("/quit")) {
            quit(line.length() > word.length() ? line.substring(word.length() + 1).strip() : "");
            return CompletableFuture.completedFuture(null);
        }
        CompletableFuture<Void> result = new CompletableFuture<>();
        boolean queued = onLoop(() -> {
            ClientConnection current = connection;
            if (current == null || state != State.CONNECTED) {
                result.completeExceptionally(new RelayClientException("not connected"));
            } else {
                current.request(line, result);
            }
        });
        if (!queued) {
            result.completeExceptionally(new RelayClientException("the client is closed"));
        }
        return result;
    }

    /** The nick the server knows this client by, or "" before the welcome. */
    public String nick() {
        return nick;
    }

    /** The current room (where {@link #send} goes), or "" before the welcome. */
    public String room() {
        return room;
    }

    /** The rooms this client is in, in the order joined; empty before the welcome. */
    public List<String> rooms() {
        return rooms;
    }

    /**
     * The rooms this client is in whose members' arrivals, departures and renames the server does not
     * announce right now, because they have more members than its {@code presence-limit} (PROTOCOL.md,
     * "Big rooms"; each change is a {@link RelayEvent.PresenceChanged}); empty before the welcome and
     * while every room is announced. An immutable snapshot; any thread.
     */
    public Set<String> quietRooms() {
        return quietRooms;
    }

    /**
     * What the server said about itself in its {@code SERVER} line ({@code protocol},
     * {@code idle-timeout-ms}, {@code max-rooms-per-connection}, ...); empty before the welcome.
     */
    public Map<String, String> serverParams() {
        return serverParams;
    }

    /** Whether the session is set up right now. */
    public boolean isConnected() {
        return connection != null;
    }

    /**
     * Says {@code /quit}, closes the connection, stops reconnecting and stops the client's thread;
     * returns when it has stopped (unless called on the client's own thread, e.g. from the listener,
     * where it only starts closing). Idempotent. If a session was up, the listener gets a final
     * {@link RelayEvent.Disconnected}; after that it gets nothing more.
     */
    @Override
    public void close() {
        quit("");
    }

    /** {@link #close()}, telling the room {@code reason} (as {@code /quit REASON} does). */
    public void quit(String reason) {
        CompletableFuture<Void> quit = new CompletableFuture<>();
        boolean queued = onLoop(() -> {
            boolean wasOpen = state != State.CLOSED;
            state = State.CLOSED;
            if (retry != null) {
                retry.cancel(false);
            }
            firstConnect.completeExceptionally(new RelayClientException("closed before connected"));
            ClientConnection current = connection;
            if (current != null) {
                current.quit(reason);
            } else {
                if (settingUp != null) {
                    settingUp.quit(reason);
                }
                if (wasOpen && attempt > 0) {
                    emit(new RelayEvent.Disconnected("closed by this client", false));
                }
            }
            quit.complete(null);
        });
        if (queued && !loop.inEventLoop()) {
            quit.completeOnTimeout(null, 2, TimeUnit.SECONDS).join();
        }
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS);
        if (!loop.inEventLoop()) {
            group.terminationFuture().awaitUninterruptibly(5, TimeUnit.SECONDS);
        }
    }

    // ---- called by ClientConnection, on the event loop ----

    void sawWelcome(String welcomeNick, String welcomeRoom) {
        nick = welcomeNick;
        room = welcomeRoom;
        rooms = List.of(); // each room's JOIN of this client follows
        serverParams = Map.of();
        quietRooms = Set.of(); // a new session: each quiet room says so after this client's JOIN
    }

    void sawServer(Map<String, String> params) {
        serverParams = Map.copyOf(params);
    }

    void sawNick(String oldNick, String newNick) {
        if (oldNick.equals(nick)) {
            nick = newNick;
            wantedNick = newNick;
        }
    }

    void sawJoin(String joinedRoom, String who) {
        if (who.equals(nick) && !rooms.contains(joinedRoom)) {
            List<String> next = new ArrayList<>(rooms);
            next.add(joinedRoom);
            rooms = List.copyOf(next);
            rememberRooms();
        }
    }

    void sawLeave(String leftRoom, String who) {
        if (who.equals(nick) && rooms.contains(leftRoom)) {
            List<String> next = new ArrayList<>(rooms);
            next.remove(leftRoom);
            rooms = List.copyOf(next);
            rememberRooms();
            sawPresence(leftRoom, false); // not a room of this client's any more
        }
    }

    void sawPresence(String room, boolean quiet) {
        if (quiet != quietRooms.contains(room)) {
            Set<String> next = new LinkedHashSet<>(quietRooms);
            if (quiet) {
                next.add(room);
            } else {
                next.remove(room);
            }
            quietRooms = Collections.unmodifiableSet(next);
        }
    }

    void sawCurrent(String currentRoom) {
        room = currentRoom;
        rememberRooms();
    }

    /** What a reconnect restores: the rooms of now, the current one first. */
    private void rememberRooms() {
        List<String> wanted = new ArrayList<>(rooms.size());
        if (rooms.contains(room)) {
            wanted.add(room);
        }
        for (String name : rooms) {
            if (!name.equals(room)) {
                wanted.add(name);
            }
        }
        wantedRooms = List.copyOf(wanted);
    }

    /**
     * Whether a reconnect whose nick is taken should wait for it (on a new connection, after the
     * backoff) rather than go on without it: for the first {@value #NICK_WAIT_ATTEMPTS} attempts.
     */
    boolean mayWaitForNick() {
        return attempt < NICK_WAIT_ATTEMPTS;
    }

    @Nullable String wantedNick() {
        return wantedNick;
    }

    List<String> wantedRooms() {
        return wantedRooms;
    }

    String nextToken() {
        return tokenPrefix + '-' + tokens.incrementAndGet();
    }

    boolean isClosed() {
        return state == State.CLOSED;
    }

    void connectionOpened(ClientConnection opened) {
        settingUp = opened;
    }

    /** What is left of the connect timeout for the connection being set up. */
    long remainingConnectMillis() {
        return Math.max(1, TimeUnit.NANOSECONDS.toMillis(connectDeadlineNanos - System.nanoTime()));
    }

    /** @return whether the session is now up; {@code false} if the client was closed meanwhile */
    boolean sessionReady(ClientConnection ready, boolean reconnected) {
        settingUp = null;
        if (state == State.CLOSED) {
            ready.quit("");
            return false;
        }
        state = State.CONNECTED;
        connection = ready;
        attempt = 0;
        rememberRooms();
        if (reconnected) {
            emit(new RelayEvent.Reconnected(nick, room, rooms));
        } else {
            emit(new RelayEvent.Connected(nick, room, rooms)); // before connect() completes: the event is first
            firstConnect.complete(null);
        }
        return true;
    }

    void setupFailed(ClientConnection failed, Throwable failure) {
        terminate();
        Throwable cause = failure instanceof java.util.concurrent.CompletionException && failure.getCause() != null
                ? failure.getCause() : failure;
        firstConnect.completeExceptionally(cause instanceof RelayClientException
                ? cause : new RelayClientException(ClientConnection.rootMessage(cause), null, cause));
    }

    void connectionLost(ClientConnection lost, String reason) {
        boolean wasReady = lost.isReady();
        if (settingUp == lost) {
            settingUp = null;
        }
        if (connection == lost) {
            connection = null;
        }
        if (state == State.CLOSED) {
            if (wasReady) {
                emit(new RelayEvent.Disconnected(reason, false));
            }
            return;
        }
        if (state == State.CONNECTING) {
            terminate();
            firstConnect.completeExceptionally(new RelayClientException(
                    "cannot connect to " + address() + ": " + reason));
            return;
        }
        if (wasReady) {
            state = State.RECONNECTING;
            boolean willRetry = config.reconnect().allows(1);
            emit(new RelayEvent.Disconnected(reason, willRetry));
            if (!willRetry) {
                terminate();
                return;
            }
        }
        scheduleRetry(reason);
    }

    void emit(@Nullable RelayEvent event) {
        if (event == null) {
            return;
        }
        try {
            listener.onEvent(event);
        } catch (Throwable t) {
            log.warn("The listener threw on {}; the connection goes on", event, t);
        }
    }

    // ---- internals, on the event loop ----

    private void open(boolean reconnect) {
        connectDeadlineNanos = System.nanoTime() + config.connectTimeout().toNanos();
        ChannelFuture connecting = new Bootstrap()
                .group(loop)
                .channel(NioSocketChannel.class)
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) Math.min(Integer.MAX_VALUE,
                        config.connectTimeout().toMillis()))
                .handler(new RelayClientInitializer(this, codec, reconnect))
                .connect(config.host(), config.port());
        connecting.addListener(done -> {
            if (!done.isSuccess()) {
                String reason = ClientConnection.rootMessage(done.cause());
                if (state == State.CONNECTING) {
                    terminate();
                    firstConnect.completeExceptionally(new RelayClientException(
                            "cannot connect to " + address() + ": " + reason, null, done.cause()));
                } else if (state == State.RECONNECTING) {
                    scheduleRetry(reason);
                }
            }
        });
    }

    private void scheduleRetry(String reason) {
        attempt++;
        if (!config.reconnect().allows(attempt)) {
            terminate();
            emit(new RelayEvent.Disconnected("gave up reconnecting after " + (attempt - 1)
                    + " attempts: " + reason, false));
            return;
        }
        Duration delay = config.reconnect().delay(attempt, random);
        log.debug("Reconnecting to {} in {} ms (attempt {})", address(), delay.toMillis(), attempt);
        retry = loop.schedule(() -> {
            if (state == State.RECONNECTING) {
                open(true);
            }
        }, delay.toNanos(), TimeUnit.NANOSECONDS);
    }

    private String address() {
        return config.host() + ':' + config.port();
    }

    private @Nullable String lineProblem(String line) {
        if (line.indexOf('\n') >= 0 || line.indexOf('\r') >= 0) {
            return "a line cannot contain a line break";
        }
        if (ByteBufUtil.utf8Bytes(line) > config.maxFrameLength()) {
            return "longer than the server's limit of " + config.maxFrameLength() + " bytes";
        }
        return null;
    }

    /** The session is over for good: no more events, and the thread stops. Event loop only. */
    private void terminate() {
        state = State.CLOSED;
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS);
    }

    /** Runs {@code task} on the event loop; {@code false} if the client's thread has stopped. */
    private boolean onLoop(Runnable task) {
        if (loop.inEventLoop()) {
            task.run();
            return true;
        }
        if (group.isShuttingDown()) {
            return false;
        }
        try {
            loop.execute(task);
            return true;
        } catch (RejectedExecutionException e) {
            return false;
        }
    }

    private static CompletableFuture<Void> failed(Throwable cause) {
        return CompletableFuture.failedFuture(cause);
    }

    @Override
    public String toString() {
        return "RelayClient(" + address() + ", " + nick + " in " + room + ")";
    }
}
