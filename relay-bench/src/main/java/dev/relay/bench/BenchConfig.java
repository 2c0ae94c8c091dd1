package dev.relay.bench;

import java.time.Duration;

/**
 * One generator run. Subscriber {@code i} and publisher {@code j} use rooms {@code i % rooms} and
 * {@code j % rooms}.
 *
 * <p>Immutable and thread-safe.
 *
 * @param target             what to drive: {@code relay} (line framing), {@code relay-length}, {@code nats} or {@code redis} (pub/sub)
 * @param rate               messages per second per publisher; 0 for max rate (bounded by {@code window})
 * @param window             max-rate mode: messages a publisher may be ahead of its slowest reader or, in
 *                           {@link WindowMode#TOTAL}, of its readers on average
 * @param windowMode         max-rate mode: what {@code window} is held against (see {@link SendWindow})
 * @param connectConcurrency connections being set up at once
 * @param guestArrival       relay targets: arrive as a guest and {@code /join}, not with the arrival line
 */
record BenchConfig(
        String host,
        int port,
        String target,
        int publishers,
        int subscribers,
        int rooms,
        int size,
        double rate,
        long window,
        WindowMode windowMode,
        Duration warmup,
        Duration duration,
        Duration drainTimeout,
        int threads,
        int connectConcurrency,
        boolean nativeTransport,
        boolean guestArrival) {

    Wire wire() {
        return switch (target) {
            case "relay" -> Wire.relayLines(size, guestArrival);
            case "relay-length" -> Wire.relayLength(guestArrival);
            case "nats" -> Wire.nats();
            case "redis" -> Wire.redis();
            default -> throw new IllegalArgumentException(
                    "unknown target '" + target + "': use relay, relay-length, nats or redis");
        };
    }

    String roomName(int index) {
        return "bench" + (index % rooms);
    }

    /**
     * At max rate, the most bytes that may be on their way to one reader: its room's publishers' windows,
     * each times the room's readers in total mode, where all of a window held over every reader together
     * may be one reader's.
     */
    long inFlightBytesPerReader() {
        long publishersPerRoom = (publishers + rooms - 1) / rooms;
        long perPublisher = window;
        if (windowMode == WindowMode.TOTAL) {
            long readers = (subscribers + rooms - 1) / rooms
                    + (wire().publishersHearEachOther() ? Math.max(publishersPerRoom - 1, 0) : 0);
            perPublisher *= Math.max(readers, 1);
        }
        return publishersPerRoom * perPublisher * (size + 32L); // 32: the relay's "MSG room nick " prefix, roughly
    }

    String mode() {
        if (rate > 0) {
            return "fixed " + (long) rate + "/s per publisher";
        }
        return "max rate, window " + window + ", window mode " + windowMode.label();
    }
}
