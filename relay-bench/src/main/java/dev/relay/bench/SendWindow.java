package dev.relay.bench;

import java.util.List;

/**
 * A max-rate publisher's in-flight window of W messages: how many it may send now, given how far the
 * readers of its room have got with its messages. With N readers, each {@code r_i} messages in:
 * <ul>
 *   <li>{@link WindowMode#SLOWEST}: it may send while {@code seq - min(r_i) < W};</li>
 *   <li>{@link WindowMode#TOTAL}: it may send while {@code sum(seq - r_i) < W × N}, that is while the
 *       readers' mean lag {@code floor(sum(seq - r_i) / N)} is under W, however it is spread.</li>
 * </ul>
 * When every reader is at the same point the two agree. With no readers nothing bounds it.
 *
 * <p>Threading: confined to its publisher's event loop. The readers' counts are written on their own
 * loops and read here with opaque accesses ({@link BenchConnection#receivedFrom}), and only when the
 * progress last seen leaves no room. Counts only grow, so a stale view under-estimates the room and
 * never lets the publisher past its window. Nothing is allocated per call.
 */
final class SendWindow {

    private final WindowMode mode;
    private final long window;
    private final List<BenchConnection> audience;
    private final BenchConnection owner;
    private final int publisher;

    /**
     * At the last scan, slowest: the fewest messages any reader had; total: the sum of what they all had.
     * Zero before the first scan, which is right in both modes: nobody has had anything yet.
     */
    private long progress;
    /** Readers at the last scan: the audience less the owner (0 before the first scan). */
    private int readers;

    /**
     * @param audience  every reader of the room; may still grow until the publisher starts (read at each scan)
     * @param owner     the publisher itself, skipped if it is in the audience: it never hears itself
     * @param publisher the owner's index, under which readers count its messages
     */
    SendWindow(WindowMode mode, long window, List<BenchConnection> audience, BenchConnection owner, int publisher) {
        this.mode = mode;
        this.window = window;
        this.audience = audience;
        this.owner = owner;
        this.publisher = publisher;
    }

    /** How many more messages may be sent when {@code seq} have been: positive, or 0 or less for none. */
    long room(long seq) {
        long room = window - lag(seq);
        if (room <= 0) {
            scan(seq);
            room = window - lag(seq);
        }
        return room;
    }

    /** In messages, how far behind the readers were at the last scan, as this mode measures it. */
    private long lag(long seq) {
        return switch (mode) {
            case SLOWEST -> seq - progress;
            // readers × seq stays far from overflow: seq has 48 bits on the wire, and N is a room's readers
            case TOTAL -> readers == 0 ? seq - progress : (readers * seq - progress) / readers;
        };
    }

    private void scan(long seq) {
        long min = Long.MAX_VALUE;
        long sum = 0;
        int count = 0;
        for (int i = 0, n = audience.size(); i < n; i++) { // indexed: no iterator per scan
            BenchConnection reader = audience.get(i);
            if (reader != owner) {
                long received = reader.receivedFrom(publisher);
                min = Math.min(min, received);
                sum += received;
                count++;
            }
        }
        readers = count;
        progress = count == 0 ? seq : mode == WindowMode.SLOWEST ? min : sum;
    }
}
