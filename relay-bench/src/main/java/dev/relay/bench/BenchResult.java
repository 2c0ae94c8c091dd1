package dev.relay.bench;

import java.util.List;
import java.util.Locale;
import org.HdrHistogram.Histogram;

/**
 * What one run measured. {@code deliveredInWindow} over {@code windowNanos} is the delivery rate;
 * {@code expected} is every message sent times the subscribers of its room, so
 * {@code expected - delivered} is the loss.
 */
record BenchResult(
        BenchConfig config,
        boolean epoll,
        long connectNanos,
        long sent,
        long expected,
        long delivered,
        long deliveredInWindow,
        long windowNanos,
        long misordered,
        Histogram latency,
        int problemCount,
        List<String> problems) {

    static BenchResult failed(BenchConfig config, long connectNanos, int problemCount, List<String> problems) {
        return new BenchResult(config, false, connectNanos, 0, 0, 0, 0, 0, 0, new Histogram(3), problemCount, problems);
    }

    long loss() {
        return expected - delivered;
    }

    double messagesPerSecond() {
        return windowNanos == 0 ? 0 : deliveredInWindow * 1e9 / windowNanos;
    }

    /** Payload megabytes (10^6 bytes) delivered per second. */
    double megabytesPerSecond() {
        return messagesPerSecond() * config.size() / 1e6;
    }

    boolean clean() {
        return problemCount == 0 && loss() == 0 && misordered == 0;
    }

    private double micros(double percentile) {
        return latency.getTotalCount() == 0 ? 0 : latency.getValueAtPercentile(percentile) / 1000.0;
    }

    /** A few lines for people. */
    String describe() {
        StringBuilder out = new StringBuilder();
        BenchConfig c = config;
        out.append(String.format(Locale.ROOT, "%s at %s:%d: %d publishers -> %d subscribers in %d room(s), %d-byte payload, %s%n",
                c.target(), c.host(), c.port(), c.publishers(), c.subscribers(), c.rooms(), c.size(), c.mode()));
        out.append(String.format(Locale.ROOT, "  connections ready in %.0f ms%n", connectNanos / 1e6));
        if (c.publishers() > 0) {
            out.append(String.format(Locale.ROOT, "  delivered %,.0f msg/s (%,.1f MB/s of payload) over %.1f s%n",
                    messagesPerSecond(), megabytesPerSecond(), windowNanos / 1e9));
            out.append(String.format(Locale.ROOT, "  sent %,d, expected %,d deliveries, got %,d: loss %,d, out of order %,d%n",
                    sent, expected, delivered, loss(), misordered));
            out.append(String.format(Locale.ROOT, "  latency us: p50 %.0f  p90 %.0f  p99 %.0f  p99.9 %.0f  max %.0f  (%,d samples)%n",
                    micros(50), micros(90), micros(99), micros(99.9), latency.getMaxValue() / 1000.0, latency.getTotalCount()));
        }
        for (String problem : problems) {
            out.append("  problem: ").append(problem).append('\n');
        }
        if (problemCount > problems.size()) {
            out.append("  ... and ").append(problemCount - problems.size()).append(" more problems\n");
        }
        return out.toString();
    }

    /** One {@code key=value} line for scripts. */
    String resultLine() {
        BenchConfig c = config;
        return String.format(Locale.ROOT,
                "RESULT target=%s publishers=%d subscribers=%d rooms=%d size=%d rate=%.0f window=%d window_mode=%s "
                        + "msgs_per_s=%.0f mb_per_s=%.2f sent=%d expected=%d delivered=%d loss=%d misordered=%d "
                        + "p50_us=%.1f p90_us=%.1f p99_us=%.1f p999_us=%.1f max_us=%.1f connect_ms=%.0f problems=%d",
                c.target(), c.publishers(), c.subscribers(), c.rooms(), c.size(), c.rate(), c.window(),
                c.windowMode().label(),
                messagesPerSecond(), megabytesPerSecond(), sent, expected, delivered, loss(), misordered,
                micros(50), micros(90), micros(99), micros(99.9), latency.getMaxValue() / 1000.0,
                connectNanos / 1e6, problemCount);
    }
}
