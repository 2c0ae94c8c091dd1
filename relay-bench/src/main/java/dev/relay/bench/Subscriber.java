package dev.relay.bench;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.Arrays;
import org.HdrHistogram.Histogram;

/**
 * A connection that only listens: counts what it receives, checks each publisher's sequence, and
 * records latency (receive time minus the stamp in the payload) into its event loop's histogram while
 * the bench is measuring.
 *
 * <p>Threading: written only on its event loop. {@link #received()} and {@link #receivedFrom} are read
 * by other threads (the bench and publishers' windows) through opaque accesses, which suffice for
 * monotonic counters.
 */
final class Subscriber extends BenchConnection {

    private static final VarHandle NEXT = MethodHandles.arrayElementVarHandle(long[].class);
    private static final VarHandle RECEIVED;

    static {
        try {
            RECEIVED = MethodHandles.lookup().findVarHandle(Subscriber.class, "received", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** Per publisher, the next sequence number expected: also how many have been received from it. */
    private final long[] next;
    @SuppressWarnings("unused") // accessed through RECEIVED
    private long received;
    private long misordered;
    private Histogram histogram;

    Subscriber(Bench bench, String room, int index, int publishers) {
        super(bench, room, index, true);
        this.next = new long[Math.max(publishers, 1)];
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        super.handlerAdded(ctx);
        histogram = bench.histogramFor(ctx.channel().eventLoop());
    }

    @Override
    public void message(ByteBuf in, int start, int length) {
        if (length < Payload.HEADER) {
            bench.problem(name() + " got a message that is not a bench payload (" + length + " bytes)");
            return;
        }
        long stamp = Payload.stamp(in, start);
        int publisher = Payload.publisher(in, start);
        long seq = Payload.seq(in, start);
        if (publisher >= next.length) {
            bench.problem(name() + " got a message from an unknown publisher " + publisher);
            return;
        }
        if (seq != next[publisher]) {
            misordered++;
        }
        NEXT.setOpaque(next, publisher, Math.max(seq + 1, next[publisher]));
        RECEIVED.setOpaque(this, (long) RECEIVED.get(this) + 1);
        if (bench.measuring()) {
            histogram.recordValue(Math.max(0, bench.now() - stamp));
        }
    }

    long received() {
        return (long) RECEIVED.getOpaque(this);
    }

    long receivedFrom(int publisher) {
        return (long) NEXT.getOpaque(next, publisher);
    }

    /** Messages that arrived out of a publisher's order (or repeated); read once the bench has stopped. */
    long misordered() {
        return misordered;
    }

    @Override
    String name() {
        return "subscriber " + index;
    }

    @Override
    public String toString() {
        return name() + " " + Arrays.toString(next);
    }
}
