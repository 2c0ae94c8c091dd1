package dev.relay.bench;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongConsumer;
import org.HdrHistogram.Histogram;

/**
 * Runs one {@link BenchConfig}: connects the subscribers, then the publishers, warms up, measures,
 * stops the publishers, waits for every sent message to arrive (or the drain timeout), and returns a
 * {@link BenchResult}. The caller's thread orchestrates and may block; the connections run on the
 * bench's own event loops, which {@link #run} shuts down before it returns.
 *
 * <p>Not thread-safe: one run per instance. The methods the connections call ({@link #problem},
 * {@link #measuring}, {@link #histogramFor}) are thread-safe.
 */
final class Bench {

    private static final int MAX_PROBLEMS_KEPT = 20;

    private final BenchConfig config;
    private final Wire wire;
    private final long epoch = System.nanoTime();
    private final Map<EventLoop, Histogram> histograms = new ConcurrentHashMap<>();
    private final Queue<String> problems = new ConcurrentLinkedQueue<>();
    private final AtomicInteger problemCount = new AtomicInteger();
    private volatile boolean measuring;
    private volatile boolean closing;

    private final LongConsumer onReady;

    /** @param onReady told the nanoseconds connecting took, once every connection is ready (and before any message) */
    Bench(BenchConfig config, LongConsumer onReady) {
        this.config = config;
        this.wire = config.wire();
        this.onReady = onReady;
    }

    Wire wire() {
        return wire;
    }

    /** Nanoseconds since this bench was made: the clock of every stamp. */
    long now() {
        return System.nanoTime() - epoch;
    }

    boolean measuring() {
        return measuring;
    }

    boolean closing() {
        return closing;
    }

    void problem(String what) {
        if (problemCount.incrementAndGet() <= MAX_PROBLEMS_KEPT) {
            problems.add(what);
        }
    }

    Histogram histogramFor(EventLoop loop) {
        return histograms.computeIfAbsent(loop, l -> new Histogram(3));
    }

    BenchResult run() throws InterruptedException {
        boolean epoll = config.nativeTransport() && Epoll.isAvailable();
        IoHandlerFactory io = epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(config.threads(), io);
        List<Channel> channels = new ArrayList<>();
        try {
            Bootstrap bootstrap = new Bootstrap().group(group)
                    .channel(epoll ? EpollSocketChannel.class : NioSocketChannel.class)
                    .option(ChannelOption.TCP_NODELAY, true)
                    .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, 10_000)
                    .option(ChannelOption.WRITE_BUFFER_WATER_MARK, new WriteBufferWaterMark(256 * 1024, 512 * 1024));

            List<List<Subscriber>> audiences = new ArrayList<>();
            for (int r = 0; r < config.rooms(); r++) {
                audiences.add(new ArrayList<>());
            }
            List<Subscriber> subscribers = new ArrayList<>();
            for (int i = 0; i < config.subscribers(); i++) {
                Subscriber subscriber = new Subscriber(this, config.roomName(i), i, config.publishers());
                subscribers.add(subscriber);
                audiences.get(i % config.rooms()).add(subscriber);
            }
            List<List<BenchConnection>> readers = new ArrayList<>();
            for (int r = 0; r < config.rooms(); r++) {
                readers.add(new ArrayList<>(audiences.get(r)));
            }
            List<Publisher> publishers = new ArrayList<>();
            for (int j = 0; j < config.publishers(); j++) {
                Publisher publisher = new Publisher(this, config.roomName(j), j, config.publishers(),
                        readers.get(j % config.rooms()), config.size(), config.window(), config.windowMode(),
                        config.rate());
                publishers.add(publisher);
            }
            if (wire.publishersHearEachOther()) {
                for (Publisher publisher : publishers) {
                    readers.get(publisher.index % config.rooms()).add(publisher);
                }
            }

            long connectStart = System.nanoTime();
            connectAll(bootstrap, subscribers, channels);
            connectAll(bootstrap, publishers, channels);
            long connectNanos = System.nanoTime() - connectStart;
            if (problemCount.get() > 0) {
                return BenchResult.failed(config, connectNanos, problemCount.get(), List.copyOf(problems));
            }
            onReady.accept(connectNanos);

            publishers.forEach(Publisher::start);
            TimeUnit.NANOSECONDS.sleep(config.publishers() > 0 ? config.warmup().toNanos() : 0);
            long delivered0 = delivered(subscribers);
            long measureStart = System.nanoTime();
            measuring = true;
            TimeUnit.NANOSECONDS.sleep(config.duration().toNanos());
            measuring = false;
            long measureNanos = System.nanoTime() - measureStart;
            long delivered1 = delivered(subscribers);

            long expected = 0;
            long sent = 0;
            for (Publisher publisher : publishers) {
                long count = publisher.stop().sync().getNow();
                sent += count;
                expected += count * audiences.get(publisher.index % config.rooms()).size();
            }
            long deadline = System.nanoTime() + config.drainTimeout().toNanos();
            while (delivered(subscribers) < expected && System.nanoTime() < deadline && problemCount.get() == 0) {
                TimeUnit.MILLISECONDS.sleep(5); // a tool's own main thread, not an event loop
            }
            long delivered = delivered(subscribers);
            long misordered = 0;
            for (Subscriber subscriber : subscribers) {
                misordered += subscriber.ctx.executor().submit(subscriber::misordered).sync().getNow();
            }
            Histogram latency = new Histogram(3);
            for (Map.Entry<EventLoop, Histogram> entry : histograms.entrySet()) {
                latency.add(entry.getKey().submit(entry.getValue()::copy).sync().getNow());
            }
            closing = true;
            return new BenchResult(config, epoll, connectNanos, sent, expected, delivered,
                    delivered1 - delivered0, measureNanos, misordered, latency, problemCount.get(), List.copyOf(problems));
        } finally {
            closing = true;
            for (Channel channel : channels) {
                channel.close();
            }
            group.shutdownGracefully(0, 2, TimeUnit.SECONDS).await(10, TimeUnit.SECONDS);
        }
    }

    private void connectAll(Bootstrap bootstrap, List<? extends BenchConnection> connections, List<Channel> channels)
            throws InterruptedException {
        Semaphore inFlight = new Semaphore(config.connectConcurrency());
        for (BenchConnection connection : connections) {
            inFlight.acquire();
            if (problemCount.get() > 0) {
                inFlight.release();
                break;
            }
            Channel channel = bootstrap.clone().handler(new ChannelInitializer<SocketChannel>() {
                @Override
                protected void initChannel(SocketChannel ch) {
                    ch.pipeline().addLast(connection);
                }
            }).connect(config.host(), config.port()).addListener(connected -> {
                if (!connected.isSuccess()) {
                    problem("cannot connect " + connection.name() + " to " + config.host() + ":" + config.port()
                            + ": " + connected.cause().getMessage());
                    inFlight.release();
                }
            }).channel();
            channels.add(channel);
            connection.ready().whenComplete((ok, failed) -> inFlight.release());
        }
        if (!inFlight.tryAcquire(config.connectConcurrency(), 60, TimeUnit.SECONDS)) {
            problem("connections were not all ready after 60 s");
        }
    }

    private static long delivered(List<Subscriber> subscribers) {
        long sum = 0;
        for (Subscriber subscriber : subscribers) {
            sum += subscriber.received();
        }
        return sum;
    }
}
