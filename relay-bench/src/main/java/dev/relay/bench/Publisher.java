package dev.relay.bench;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.Promise;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A connection that sends bench payloads to its room, in one of two modes:
 * <ul>
 *   <li>max rate: as fast as the socket takes them, but never more than its {@link SendWindow} allows:
 *       {@code window} messages ahead of the slowest reader of its room, or {@code window} × readers
 *       deliveries ahead of them all together (so a relay that cannot keep up slows the publisher
 *       rather than losing messages); the stamp is the actual send time;</li>
 *   <li>fixed rate: {@code rate} messages a second on a fixed schedule, each stamped with its intended
 *       send time, so a stall anywhere shows up as latency (no coordinated omission).</li>
 * </ul>
 * Messages go out in batches, one buffer and one flush per batch.
 *
 * <p>Threading: runs on its channel's event loop; {@link #stop} may be called from any thread. Its
 * window reads the readers' progress, written on their loops, with opaque accesses (see {@link SendWindow}).
 */
final class Publisher extends BenchConnection {

    private static final int MAX_BATCH = 256;
    private static final long WINDOW_RECHECK_NANOS = TimeUnit.MICROSECONDS.toNanos(20);
    private static final long TICK_NANOS = TimeUnit.MILLISECONDS.toNanos(1);

    private final int size;
    private final int wireSize;
    private final SendWindow window;
    private final double intervalNanos;
    private final Runnable pump = this::pump;

    private boolean running;
    private long seq;
    private long startNanos;
    private boolean pumpPending;
    private Future<?> ticker;

    /**
     * @param audience every reader of this publisher's room (its subscribers and, on the relay, the other
     *                 publishers, which are members and hear it too), whose progress bounds the window
     * @param mode     max rate: whether {@code window} bounds the slowest reader or all of them together
     * @param rate     messages per second, or 0 for max rate
     */
    Publisher(Bench bench, String room, int index, int publishers, List<BenchConnection> audience, int size,
            long window, WindowMode mode, double rate) {
        super(bench, room, index, false, publishers);
        this.size = size;
        this.wireSize = wire.publishSize(room, size);
        this.window = new SendWindow(mode, window, audience, this, index);
        this.intervalNanos = rate > 0 ? 1e9 / rate : 0;
    }

    /** Starts sending, on the publisher's event loop. */
    void start() {
        ctx.executor().execute(() -> {
            running = true;
            startNanos = bench.now();
            if (intervalNanos > 0) {
                ticker = ctx.executor().scheduleAtFixedRate(this::tick, 0, TICK_NANOS, TimeUnit.NANOSECONDS);
            } else {
                pump();
            }
        });
    }

    /** Stops sending; the future gives how many messages were sent in all. */
    Future<Long> stop() {
        Promise<Long> sent = ctx.executor().newPromise();
        ctx.executor().execute(() -> {
            running = false;
            if (ticker != null) {
                ticker.cancel(false);
            }
            sent.setSuccess(seq);
        });
        return sent;
    }

    private void pump() {
        pumpPending = false;
        if (!running || !ctx.channel().isWritable()) {
            return; // channelWritabilityChanged resumes
        }
        long room = window.room(seq);
        if (room <= 0) {
            pumpPending = true;
            ctx.executor().schedule(pump, WINDOW_RECHECK_NANOS, TimeUnit.NANOSECONDS);
            return;
        }
        send((int) Math.min(room, MAX_BATCH), -1);
        pumpPending = true;
        ctx.executor().execute(pump); // lets the loop read between batches
    }

    private void tick() {
        if (!running || !ctx.channel().isWritable()) {
            return; // the schedule keeps running; messages due meanwhile go out late, and it shows
        }
        long due = (long) ((bench.now() - startNanos) / intervalNanos) + 1;
        long count = Math.min(due - seq, MAX_BATCH * 16L);
        if (count > 0) {
            send((int) count, startNanos);
        }
    }

    /** Sends {@code count} messages stamped now, or, if {@code scheduleStart >= 0}, at their intended times. */
    private void send(int count, long scheduleStart) {
        ByteBuf batch = ctx.alloc().directBuffer(count * wireSize);
        long now = bench.now();
        for (int i = 0; i < count; i++) {
            long stamp = scheduleStart < 0 ? now : scheduleStart + (long) (seq * intervalNanos);
            wire.writePublish(batch, room, size, stamp, index, seq++);
        }
        ctx.writeAndFlush(batch, ctx.voidPromise());
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) throws Exception {
        if (ctx.channel().isWritable() && running && intervalNanos == 0 && !pumpPending) {
            pump();
        }
        super.channelWritabilityChanged(ctx);
    }

    @Override
    public void message(ByteBuf in, int start, int length) {
        // A relay publisher is a member of its room and hears the other publishers: counted for their
        // windows (a publisher that fell behind reading would otherwise be a slow consumer), else ignored.
        if (length >= Payload.HEADER) {
            heard(Payload.publisher(in, start), Payload.seq(in, start));
        }
    }

    @Override
    String name() {
        return "publisher " + index;
    }
}
