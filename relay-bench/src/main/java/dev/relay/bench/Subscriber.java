package dev.relay.bench;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
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

    private static final VarHandle RECEIVED;

    static {
        try {
            RECEIVED = MethodHandles.lookup().findVarHandle(Subscriber.class, "received", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    @SuppressWarnings("unused") // accessed through RECEIVED
    private long received;
    private long misordered;
    private Histogram histogram;

    Subscriber(Bench bench, String room, int index, int publishers) {
        super(bench, room, index, true, publishers);
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
        if (!heard(publisher, seq)) {
            misordered++;
        }
        RECEIVED.setOpaque(this, (long) RECEIVED.get(this) + 1);
        if (bench.measuring()) {
            histogram.recordValue(Math.max(0, bench.now() - stamp));
        }
    }

    long received() {
        return (long) RECEIVED.getOpaque(this);
    }

    /** Messages that arrived out of a publisher's order (or repeated); read once the bench has stopped. */
    long misordered() {
        return misordered;
    }

    @Override
    String name() {
        return "subscriber " + index;
    }

}
