package dev.relay.bench;

import java.time.Duration;

/**
 * One generator run. Subscriber {@code i} and publisher {@code j} use rooms {@code i % rooms} and
 * {@code j % rooms}.
 *
 * @param target             what to drive: {@code relay} (line framing), {@code relay-length}, or {@code nats}
 * @param rate               messages per second per publisher; 0 for max rate (bounded by {@code window})
 * @param window             max-rate mode: messages a publisher may be ahead of its slowest subscriber
 * @param connectConcurrency connections being set up at once
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
        Duration warmup,
        Duration duration,
        Duration drainTimeout,
        int threads,
        int connectConcurrency,
        boolean nativeTransport) {

    Wire wire() {
        return switch (target) {
            case "relay" -> Wire.relayLines(size);
            case "relay-length" -> Wire.relayLength();
            case "nats" -> Wire.nats();
            default -> throw new IllegalArgumentException("unknown target '" + target + "': use relay, relay-length or nats");
        };
    }

    String roomName(int index) {
        return "bench" + (index % rooms);
    }

    /** At max rate, the most bytes that may be on their way to one reader: its room's publishers' windows. */
    long inFlightBytesPerReader() {
        long publishersPerRoom = (publishers + rooms - 1) / rooms;
        return publishersPerRoom * window * (size + 32L); // 32: the relay's "MSG room nick " prefix, roughly
    }

    String mode() {
        return rate > 0 ? "fixed " + (long) rate + "/s per publisher" : "max rate, window " + window;
    }
}
