package dev.relay.bench.jmh;

import dev.relay.core.codec.Framing;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
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
 * Per-frame cost of the relay's framing codec ({@link Framing}), for each framing and two payload sizes.
 *
 * <ul>
 *   <li>{@code encode}: one chat line (a {@code String}, ASCII) encoded into a new buffer from
 *       {@link PooledByteBufAllocator#DEFAULT} (direct), then released. One op = one frame.</li>
 *   <li>{@code decode}: one buffer holding {@value #FRAMES_PER_READ} back-to-back frames, as one socket
 *       read might deliver them, fed through the framing's decoder; the handler after it releases every
 *       payload. Reported per frame ({@link OperationsPerInvocation}).</li>
 *   <li>{@code decodeEmptyRead}: an empty buffer fed the same way. It is the fixed cost of one read
 *       through the {@link EmbeddedChannel} (its {@code writeInbound}, the decoder's bookkeeping,
 *       {@code channelReadComplete}), per read, not per frame: divide by {@value #FRAMES_PER_READ} to
 *       see how much of {@code decode}'s figure it is.</li>
 * </ul>
 *
 * <p>Decode runs in an {@link EmbeddedChannel} so that the decoder sees a real pipeline and context; its
 * overhead is paid once per read of {@value #FRAMES_PER_READ} frames, and {@code decodeEmptyRead}
 * measures it. The input buffer is not copied: the decoder gets a retained duplicate of it, so the
 * payloads are slices of one direct buffer, as they would be of a socket read. That buffer comes from
 * {@link ByteBufAllocator#DEFAULT}, which is what a server channel reads into (in Netty 4.2 the adaptive
 * allocator), so the slice objects the decoder makes are the ones the server makes.
 *
 * <p>The benchmark threads are {@link io.netty.util.concurrent.FastThreadLocalThread}s
 * ({@link FastThreadLocalExecutor}, set in {@link Fork}), so the pooled allocator and Netty's object
 * pools behave as on an event loop. With the default leak detection (simple) Netty tracks one
 * allocation in 128, which adds a few bytes per op to {@code gc.alloc.rate.norm}; add
 * {@code -jvmArgsAppend -Dio.netty.leakDetection.level=disabled} to leave it out.
 *
 * <p>Run (from the repository root, after {@code mvn -pl relay-bench -am package -DskipTests}):
 * <pre>{@code
 * java -cp relay-bench/target/relay-bench.jar org.openjdk.jmh.Main CodecBenchmark -f 1 -wi 2 -i 3 -w 1s -r 1s -prof gc
 * }</pre>
 * {@code gc.alloc.rate.norm} is then bytes allocated on the heap per frame (per read for
 * {@code decodeEmptyRead}).
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsPrepend = {
        "-Djmh.executor=CUSTOM", "-Djmh.executor.class=dev.relay.bench.jmh.FastThreadLocalExecutor"})
@State(Scope.Thread)
public class CodecBenchmark {

    /** Frames in the buffer one {@code decode} call feeds to the decoder. */
    static final int FRAMES_PER_READ = 64;

    private static final ByteBufAllocator ALLOC = PooledByteBufAllocator.DEFAULT;

    @Param({"LINE", "LENGTH"})
    public Framing framing;

    /** Payload bytes per frame, without the delimiter or length prefix. */
    @Param({"100", "4096"})
    public int payloadSize;

    private String line;
    private ByteBuf read;
    private EmbeddedChannel channel;
    private FrameSinkHandler sink;
    private long decodeCalls;

    @Setup(Level.Trial)
    public void setUp() {
        line = chatLine(payloadSize);
        read = ByteBufAllocator.DEFAULT.directBuffer(FRAMES_PER_READ * (payloadSize + 4));
        for (int i = 0; i < FRAMES_PER_READ; i++) {
            ByteBuf frame = framing.encode(ALLOC, line);
            read.writeBytes(frame);
            frame.release();
        }
        sink = new FrameSinkHandler();
        channel = new EmbeddedChannel(framing.newDecoder(framing.defaultMaxFrameLength()), sink);
    }

    @Benchmark
    public int encode() {
        ByteBuf frame = framing.encode(ALLOC, line);
        int length = frame.readableBytes();
        frame.release();
        return length;
    }

    @Benchmark
    @OperationsPerInvocation(FRAMES_PER_READ)
    public boolean decode() {
        decodeCalls++;
        return channel.writeInbound(read.retainedDuplicate());
    }

    @Benchmark
    public boolean decodeEmptyRead() {
        return channel.writeInbound(Unpooled.EMPTY_BUFFER);
    }

    /** Every frame fed in came out whole, and the input buffer is back to our one reference. */
    @TearDown(Level.Iteration)
    public void checkDecoded() {
        long frames = decodeCalls * FRAMES_PER_READ;
        if (sink.messages() != frames || sink.bytes() != frames * payloadSize || read.refCnt() != 1) {
            throw new IllegalStateException("decoded " + sink.messages() + " frames, " + sink.bytes()
                    + " bytes; expected " + frames + " frames of " + payloadSize + " bytes; input refCnt "
                    + read.refCnt());
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        if (channel.finish()) {
            throw new IllegalStateException("the decoder left frames in the channel");
        }
        read.release();
    }

    /** A server chat line of exactly {@code size} ASCII characters (one UTF-8 byte each). */
    static String chatLine(int size) {
        StringBuilder text = new StringBuilder(size).append("MSG lobby alice ");
        while (text.length() < size) {
            text.append((char) ('a' + text.length() % 26));
        }
        text.setLength(size);
        return text.toString();
    }
}
