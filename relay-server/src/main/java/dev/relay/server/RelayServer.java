package dev.relay.server;

import dev.relay.core.CloseReason;
import dev.relay.core.HeldBytesEstimator;
import dev.relay.core.RoomRegistry;
import dev.relay.core.SlowConsumerGuard;
import dev.relay.core.chat.ChatHandler;
import dev.relay.core.chat.LocalDelivery;
import dev.relay.core.chat.ServerLines;
import dev.relay.core.chat.SessionRegistry;
import dev.relay.core.codec.Framing;
import dev.relay.core.handler.ConnectionLimitHandler;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.ImmediateEventExecutor;
import java.net.InetSocketAddress;
import java.nio.channels.UnresolvedAddressException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A relay server: binds one port and speaks the chat protocol to every connection.
 *
 * <pre>{@code
 * try (RelayServer server = new RelayServer(RelayServerConfig.builder().port(7777).build()).start()) {
 *     System.out.println("listening on " + server.localAddress());
 *     server.awaitClose();
 * }
 * }</pre>
 *
 * <p>Threads: {@link #start()} creates one acceptor thread ({@code relay-accept-*}) and
 * {@link RelayServerConfig#ioThreads()} event loop threads ({@code relay-io-*}); {@link #close()} stops
 * all of them. No other threads are used.
 *
 * <p>Thread-safety: all methods may be called from any thread, but {@link #close()} and
 * {@link #awaitClose()} block, so never call them on one of the server's own event loops.
 */
public final class RelayServer implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(RelayServer.class);
    private static final long SHUTDOWN_TIMEOUT_MILLIS = 5_000;
    /**
     * Closing a connection tells its room, which may write to members on other event loops; a loop
     * only terminates after this long without new tasks, so those writes run (and release their buffers).
     */
    private static final long SHUTDOWN_QUIET_MILLIS = 100;

    private enum State { NEW, STARTED, CLOSED }

    private final RelayServerConfig config;
    private final RoomRegistry rooms;
    private final SessionRegistry sessions = new SessionRegistry();
    private final ChannelGroup connections =
            new DefaultChannelGroup("relay-connections", ImmediateEventExecutor.INSTANCE);
    private final CountDownLatch closed = new CountDownLatch(1);
    private final Transport transport;

    private final Object lock = new Object();
    private State state = State.NEW;
    private @Nullable EventLoopGroup acceptGroup;
    private @Nullable EventLoopGroup ioGroup;
    private @Nullable Channel serverChannel;

    public RelayServer(RelayServerConfig config) {
        this.config = Objects.requireNonNull(config, "config");
        this.rooms = new RoomRegistry(SlowConsumerGuard.builder()
                .maxPendingBytes(config.maxPendingBytes())
                .maxPendingBytesHard(config.maxPendingBytesHard())
                .grace(config.slowConsumerGrace())
                .maxPendingTotal(config.maxPendingTotal() != 0 ? config.maxPendingTotal()
                        : SlowConsumerGuard.defaultMaxPendingTotal())
                .policy(config.slowConsumerPolicy())
                .build());
        this.transport = Transport.choose(config.nativeTransport());
    }

    /**
     * Binds the configured address and returns once the server accepts connections.
     *
     * @return this server
     * @throws RelayServerException if the address cannot be bound (e.g. the port is in use); the server
     *                              has then released everything it started
     * @throws IllegalStateException if the server was started or closed before
     */
    public RelayServer start() {
        synchronized (lock) {
            if (state != State.NEW) {
                throw new IllegalStateException("a RelayServer starts only once; it is " + state);
            }
            state = State.STARTED;
            ChatHandler chat = new ChatHandler(rooms, sessions, new LocalDelivery(rooms, sessions), config.defaultRoom(),
                    config.chatLimits());
            ChatConnections chats = new ChatConnections(config, chat);
            WebHandler web = config.detects() && config.web().enabled() ? new WebHandler(chats, config.web()) : null;
            ConnectionLimitHandler connectionLimit =
                    new ConnectionLimitHandler(config.maxConnections(), config.maxConnectionsPerAddress());
            try {
                acceptGroup = new MultiThreadIoEventLoopGroup(1,
                        new DefaultThreadFactory("relay-accept"), transport.ioHandlerFactory());
                ioGroup = new MultiThreadIoEventLoopGroup(config.ioThreads(),
                        new DefaultThreadFactory("relay-io"), transport.ioHandlerFactory());
                ServerBootstrap bootstrap = new ServerBootstrap()
                        .group(acceptGroup, ioGroup)
                        .channel(transport.serverChannelClass())
                        .option(ChannelOption.SO_BACKLOG, 1024)
                        .option(ChannelOption.SO_REUSEADDR, true)
                        .handler(connectionLimit) // counted as accepted, before a child's pipeline exists
                        .childOption(ChannelOption.TCP_NODELAY, true)
                        // A client over the pending cap must also be unwritable, so that it is told
                        // what it missed (drop policy) once it catches up.
                        .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK, waterMarks(config.maxPendingBytes()))
                        // what a queued buffer holds is its capacity, not just its content
                        .childOption(ChannelOption.MESSAGE_SIZE_ESTIMATOR, HeldBytesEstimator.INSTANCE)
                        .childHandler(new RelayServerInitializer(connections, chats, web));
                serverChannel = bootstrap.bind(config.host(), config.port()).sync().channel();
            } catch (Throwable e) {
                if (e instanceof InterruptedException) {
                    Thread.currentThread().interrupt();
                }
                shutdownGroups();
                state = State.CLOSED;
                closed.countDown();
                throw new RelayServerException("cannot listen on " + host() + ':' + config.port() + ": " + describe(e), e);
            }
            log.info("Relay listening on {}:{} ({}, {} transport, memory budget {} MiB)", host(), port(), clients(), transport,
                    rooms.guard().maxPendingTotal() >> 20);
            return this;
        }
    }

    /**
     * The bound address; with port 0 configured, this holds the port picked.
     *
     * @throws IllegalStateException before {@link #start()} or after {@link #close()}
     */
    public InetSocketAddress localAddress() {
        Channel channel;
        synchronized (lock) {
            channel = serverChannel;
        }
        if (channel == null) {
            throw new IllegalStateException("the server is not listening");
        }
        return (InetSocketAddress) channel.localAddress();
    }

    /** The bound port. */
    public int port() {
        return localAddress().getPort();
    }

    public RelayServerConfig config() {
        return config;
    }

    /** The rooms of this server, live. */
    public RoomRegistry rooms() {
        return rooms;
    }

    /** The chat sessions of this server by nick, live. */
    public SessionRegistry sessions() {
        return sessions;
    }

    /** Bytes written to clients that their sockets have not taken yet, summed over all connections. */
    public long pendingOutboundBytes() {
        long total = 0;
        for (Channel connection : connections) {
            total += SlowConsumerGuard.pendingBytes(connection);
        }
        return total;
    }

    /** The largest {@link #pendingOutboundBytes()} of any one connection right now. */
    public long maxPendingOutboundBytes() {
        long max = 0;
        for (Channel connection : connections) {
            max = Math.max(max, SlowConsumerGuard.pendingBytes(connection));
        }
        return max;
    }

    /**
     * Everything the clients make the server hold right now (queued output, hand-offs between event loops,
     * unfinished input), as the memory budget counts it: a little behind, on the high side.
     */
    public long pendingTotalBytes() {
        return rooms.guard().pendingTotal();
    }

    /** The number of open client connections. */
    public int connectionCount() {
        return connections.size();
    }

    /**
     * Shuts down gracefully: stops accepting, sends every client {@code BYE Server shutting down} after
     * what is already queued for it, waits up to {@link RelayServerConfig#drainTimeout()} for that to be
     * sent, closes every connection and stops all the server's threads; returns when they have stopped
     * (or after a further 5 s, which is logged). Idempotent. Called on one of the server's
     * own event loops (from a handler), it starts the shutdown and returns without waiting.
     */
    @Override
    public void close() {
        synchronized (lock) {
            if (state == State.CLOSED) {
                return;
            }
            state = State.CLOSED;
            if (serverChannel != null) {
                serverChannel.close();
                if (!onOwnEventLoop()) {
                    serverChannel.closeFuture().awaitUninterruptibly(SHUTDOWN_TIMEOUT_MILLIS);
                }
                serverChannel = null;
            }
            closeConnections();
            shutdownGroups();
            log.info("Relay stopped");
        }
        closed.countDown();
    }

    /** Blocks until {@link #close()} has finished (from another thread, or a shutdown hook). */
    public void awaitClose() throws InterruptedException {
        closed.await();
    }

    /**
     * Says goodbye to every client behind what is already queued for it, closes each connection once
     * that is sent, and waits up to the drain timeout; connections still open then (clients that do not
     * read) are closed anyway. Runs while the event loops still run.
     */
    private void closeConnections() {
        List<ChannelFuture> closing = new ArrayList<>();
        String goodbye = ServerLines.bye("Server shutting down");
        // Only chat connections take a line; one still being detected, or serving the page, is just closed.
        for (Channel connection : connections) {
            connection.attr(ChatHandler.QUIET_CLOSE).set(Boolean.TRUE);
            CloseReason.set(connection, CloseReason.Kind.GOING_AWAY, "Server shutting down");
        }
        for (Channel connection : connections) {
            if (connection.pipeline().get(RelayPipeline.CHAT) != null) {
                connection.writeAndFlush(goodbye).addListener(ChannelFutureListener.CLOSE);
            } else {
                connection.close();
            }
            closing.add(connection.closeFuture());
        }
        if (onOwnEventLoop()) {
            connections.forEach(Channel::close);
            return;
        }
        long deadline = System.nanoTime() + config.drainTimeout().toNanos();
        for (ChannelFuture future : closing) {
            future.awaitUninterruptibly(Math.max(0, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())));
        }
        int forced = 0;
        for (Channel connection : connections) {
            if (connection.isOpen()) { // closed ones leave the group on their own event loop, a moment later
                forced++;
                connection.close().awaitUninterruptibly(SHUTDOWN_TIMEOUT_MILLIS);
            }
        }
        if (forced > 0) {
            log.info("Closed {} connection(s) that had not read everything within the drain timeout", forced);
        }
    }

    private void shutdownGroups() {
        Future<?> acceptDone = shutdown(acceptGroup);
        Future<?> ioDone = shutdown(ioGroup);
        if (onOwnEventLoop()) {
            return; // waiting here would wait for ourselves
        }
        boolean done = acceptDone.awaitUninterruptibly(SHUTDOWN_TIMEOUT_MILLIS, TimeUnit.MILLISECONDS)
                & ioDone.awaitUninterruptibly(SHUTDOWN_TIMEOUT_MILLIS, TimeUnit.MILLISECONDS);
        if (!done) {
            log.warn("Relay threads still running {} ms after close", SHUTDOWN_TIMEOUT_MILLIS);
        }
    }

    private boolean onOwnEventLoop() {
        for (EventLoopGroup group : new EventLoopGroup[] {acceptGroup, ioGroup}) {
            if (group != null) {
                for (var executor : group) {
                    if (executor.inEventLoop()) {
                        return true;
                    }
                }
            }
        }
        return false;
    }

    private static WriteBufferWaterMark waterMarks(long maxPendingBytes) {
        int high = (int) Math.min(64 * 1024, maxPendingBytes);
        return new WriteBufferWaterMark(high / 2, high);
    }

    private static Future<?> shutdown(@Nullable EventLoopGroup group) {
        return group == null
                ? ImmediateEventExecutor.INSTANCE.newSucceededFuture(null)
                : group.shutdownGracefully(SHUTDOWN_QUIET_MILLIS, SHUTDOWN_TIMEOUT_MILLIS, TimeUnit.MILLISECONDS);
    }

    /** What kinds of client the port serves, for the log. */
    private String clients() {
        if (config.framing() != null) {
            return config.framing() + " framing only, max " + config.maxFrameLength(config.framing()) + " bytes";
        }
        return "line, length" + (config.web().enabled() ? ", HTTP and WebSocket" : "") + " clients, max "
                + config.maxFrameLength(Framing.LINE) + "/" + config.maxFrameLength(Framing.LENGTH) + " bytes";
    }

    /** The configured host as it goes before {@code :port}: an IPv6 address in brackets. */
    private String host() {
        return config.host().indexOf(':') >= 0 ? '[' + config.host() + ']' : config.host();
    }

    /** Why a bind failed, for an operator: the system's words, or what a bare exception means. */
    private static String describe(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        if (root instanceof UnresolvedAddressException) { // the host name did not resolve (NIO and epoll alike)
            return "unknown host";
        }
        String message = root.getMessage();
        if (message == null) {
            return root.getClass().getSimpleName();
        }
        // Native transport messages read "bind(..) failed with error(-98): Address already in use".
        int colon = message.lastIndexOf(": ");
        String reason = colon >= 0 ? message.substring(colon + 2) : message;
        // EADDRNOTAVAIL: a valid address, but no interface here has it
        return reason.equals("Cannot assign requested address") ? reason + " (not an address of this machine)" : reason;
    }

    @Override
    public String toString() {
        return "RelayServer(" + config.host() + ':' + config.port() + ", " + state + ")";
    }
}
