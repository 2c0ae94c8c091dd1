package dev.relay.bench.jmh;

import dev.relay.core.Room;
import dev.relay.core.RoomRegistry;
import dev.relay.core.SlowConsumerGuard;
import dev.relay.core.codec.FrameCodec;
import dev.relay.core.codec.Framing;
import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.local.LocalAddress;
import io.netty.channel.local.LocalChannel;
import io.netty.channel.local.LocalIoHandler;
import io.netty.channel.local.LocalServerChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Cost and allocation of one room fan-out ({@link Room#broadcast(Channel, CharSequence)}), as the server
 * runs it: every member is a real channel on one event loop, and the broadcast is called on that loop.
 *
 * <p>Set-up: one event loop ({@link MultiThreadIoEventLoopGroup} of one {@link LocalIoHandler} thread)
 * holds {@code members} {@link LocalChannel} pairs. The member side has the relay's line
 * {@link FrameCodec} in its pipeline (which records the codec on the channel, as the server's pipeline
 * does) and joins room {@code bench} through the public {@link RoomRegistry} (no slow-consumer cap).
 * The other side of each pair reads what the member was sent and releases it ({@link FrameSinkHandler}),
 * so every frame written is really carried and freed, nothing queues up, and the written bytes cost what
 * a flush costs on the local transport (a socket's {@code writev} is not in the figure).
 *
 * <p>One op is one broadcast of a {@code lineBytes}-byte chat line by member 0, which is itself a member and is
 * skipped ({@code except} = the sender), so each op delivers {@code members - 1} messages. One
 * invocation submits a task that does {@value #BATCH} broadcasts on the loop and waits for it, then
 * submits an empty task and waits for that too, so that the tasks the batch left on the loop (deferred
 * flushes, writes and reads the transport hands on) have run before the next batch is measured. The
 * submits are amortised over the batch ({@link OperationsPerInvocation}). Mind that all
 * {@value #BATCH} broadcasts of a batch run in one event-loop task: a fan-out that defers its flushes to
 * a later task on the loop flushes each member once per batch here, which is the best case for it.
 *
 * <p>Per delivered message: {@code ns/op / (members - 1)}, and
 * {@code gc.alloc.rate.norm / (members - 1)} bytes. {@code gc.alloc.rate.norm} counts every thread, so it
 * includes the event loop, the local transport's per-message cost and the submits (a few hundred bytes
 * per batch). After each iteration the benchmark checks, on the loop, that every message has arrived
 * and nothing is left pending on any member, and fails the run if not.
 *
 * <p>Run (from the repository root, after {@code mvn -pl relay-bench -am package -DskipTests}):
 * <pre>{@code
 * java -cp relay-bench/target/relay-bench.jar org.openjdk.jmh.Main BroadcastBenchmark -f 1 -wi 2 -i 3 -w 1s -r 1s -prof gc
 * }</pre>
 * Add {@code -jvmArgsAppend -Dio.netty.leakDetection.level=paranoid} to check for leaks (slower figures).
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
@State(Scope.Benchmark)
public class BroadcastBenchmark {

    /** Broadcasts per event-loop task. */
    static final int BATCH = 64;

    private static final String ROOM = "bench";
    private static final FrameCodec CODEC = new FrameCodec(Framing.LINE);
    private static final Runnable NOTHING = () -> { };

    @Param({"10", "100", "1000"})
    public int members;

    /**
     * The line's length: 100 bytes is copied into each member's batch; 4096 is past the fan-out's share
     * size, so each member gets a view of the one encoded frame instead.
     */
    @Param({"100", "4096"})
    public int lineBytes;

    private EventLoopGroup group;
    private EventLoop loop;
    private Channel server;
    private final List<Channel> clients = new ArrayList<>();
    /** Only touched on the loop. */
    private final List<FrameSinkHandler> sinks = new ArrayList<>();
    private Room room;
    private Channel sender;
    private Runnable batch;
    private long broadcasts;

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        group = new MultiThreadIoEventLoopGroup(1, LocalIoHandler.newFactory());
        loop = group.next();
        server = new ServerBootstrap()
                .group(group)
                .channel(LocalServerChannel.class)
                .childHandler(new ChannelInitializer<LocalChannel>() {
                    @Override
                    protected void initChannel(LocalChannel ch) {
                        FrameSinkHandler sink = new FrameSinkHandler();
                        sinks.add(sink);
                        ch.pipeline().addLast(sink);
                    }
                })
                .bind(LocalAddress.ANY).sync().channel();
        Bootstrap member = new Bootstrap()
                .group(group)
                .channel(LocalChannel.class)
                .handler(new ChannelInitializer<LocalChannel>() {
                    @Override
                    protected void initChannel(LocalChannel ch) {
                        CODEC.addTo(ch.pipeline(), "frameDecoder", "frameEncoder");
                    }
                });
        RoomRegistry registry = new RoomRegistry();
        for (int i = 0; i < members; i++) {
            Channel client = member.connect(server.localAddress()).sync().channel();
            clients.add(client);
            room = registry.join(ROOM, client);
        }
        sender = clients.get(0);
        int peers = loop.submit(sinks::size).get();
        if (room.size() != members || peers != members || FrameCodec.of(sender) == null) {
            throw new IllegalStateException("set-up: " + room + ", " + peers + " peers");
        }
        String line = CodecBenchmark.chatLine(lineBytes);
        Room target = room;
        Channel except = sender;
        batch = () -> {
            for (int i = 0; i < BATCH; i++) {
                target.broadcast(except, line);
            }
        };
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public void broadcast() throws Exception {
        loop.submit(batch).get();
        loop.submit(NOTHING).get();
        broadcasts += BATCH;
    }

    /**
     * Every message sent so far arrived and was released; nothing waits on any member. Checked in bytes:
     * the fan-out batches many frames into one buffer, so the sink's read count is not a frame count.
     */
    @TearDown(Level.Iteration)
    public void checkDrained() throws Exception {
        long expected = broadcasts * (members - 1);
        long expectedBytes = expected * (lineBytes + 1);
        // Shared frames reach the in-VM peers as one message each, which they read 16 at a time: let
        // them catch up (not measured) before checking.
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        long[] seen = drained();
        while (seen[1] < expectedBytes && System.nanoTime() < deadline) {
            TimeUnit.MILLISECONDS.sleep(10); // a benchmark's tear-down thread, not an event loop
            seen = drained();
        }
        if (seen[1] != expectedBytes || seen[2] != 0) {
            throw new IllegalStateException("delivered " + seen[1] + " bytes in " + seen[0] + " reads, "
                    + seen[2] + " bytes pending; expected " + expected + " messages of " + (lineBytes + 1)
                    + " bytes, none pending");
        }
    }

    /** Messages and bytes the peers have read, and bytes still pending on the members. */
    private long[] drained() throws Exception {
        return loop.submit(() -> {
            long messages = 0;
            long bytes = 0;
            for (FrameSinkHandler sink : sinks) {
                messages += sink.messages();
                bytes += sink.bytes();
            }
            long pending = 0;
            for (Channel client : clients) {
                pending += SlowConsumerGuard.pendingBytes(client);
            }
            return new long[] {messages, bytes, pending};
        }).get();
    }

    @TearDown(Level.Trial)
    public void tearDown() throws Exception {
        for (Channel client : clients) {
            client.close().sync();
        }
        server.close().sync();
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
    }
}
