package dev.relay.client;

import java.time.Duration;
import java.util.Objects;
import java.util.Random;

/**
 * When a {@link RelayClient} whose session was established loses its connection: whether it tries
 * again, and how long it waits before each try. The wait doubles (by {@code multiplier}) from
 * {@code initialDelay} up to {@code maxDelay}, and each wait is spread by ±{@code jitter} (a fraction)
 * so that many clients of a restarted server do not all reconnect at the same instant.
 *
 * @param enabled      whether to reconnect at all
 * @param initialDelay the wait before the first try; default 250 ms
 * @param maxDelay     the longest wait; default 30 s
 * @param multiplier   growth of the wait per failed try; default 2
 * @param jitter       random spread of each wait, 0 to 1; default 0.2 (±20%)
 * @param maxAttempts  tries before giving up, 0 for no limit (the default)
 */
public record ReconnectPolicy(boolean enabled, Duration initialDelay, Duration maxDelay, double multiplier,
        double jitter, int maxAttempts) {

    public ReconnectPolicy {
        Objects.requireNonNull(initialDelay, "initialDelay");
        Objects.requireNonNull(maxDelay, "maxDelay");
        if (initialDelay.isNegative() || maxDelay.compareTo(initialDelay) < 0) {
            throw new IllegalArgumentException("need 0 <= initialDelay <= maxDelay: " + initialDelay + ", " + maxDelay);
        }
        if (!(multiplier >= 1.0) || !(jitter >= 0.0 && jitter <= 1.0) || maxAttempts < 0) {
            throw new IllegalArgumentException("need multiplier >= 1, 0 <= jitter <= 1, maxAttempts >= 0");
        }
    }

    /** Reconnect with the default backoff: 250 ms doubling to 30 s, ±20%, forever. */
    public static ReconnectPolicy defaults() {
        return new ReconnectPolicy(true, Duration.ofMillis(250), Duration.ofSeconds(30), 2.0, 0.2, 0);
    }

    /** Never reconnect: a lost connection ends the client's session. */
    public static ReconnectPolicy disabled() {
        return new ReconnectPolicy(false, Duration.ofMillis(250), Duration.ofSeconds(30), 2.0, 0.2, 0);
    }

    /** A copy with other delays (for tests and impatient apps). */
    public ReconnectPolicy withDelays(Duration initial, Duration max) {
        return new ReconnectPolicy(enabled, initial, max, multiplier, jitter, maxAttempts);
    }

    /** A copy that gives up after {@code attempts} failed tries (0: never gives up). */
    public ReconnectPolicy withMaxAttempts(int attempts) {
        return new ReconnectPolicy(enabled, initialDelay, maxDelay, multiplier, jitter, attempts);
    }

    /** The wait before try number {@code attempt} (1 for the first). */
    public Duration delay(int attempt, Random random) {
        double base = initialDelay.toNanos() * Math.pow(multiplier, Math.max(0, attempt - 1));
        double capped = Math.min(base, maxDelay.toNanos());
        double spread = 1.0 + jitter * (2 * random.nextDouble() - 1);
        return Duration.ofNanos((long) Math.min(capped * spread, maxDelay.toNanos()));
    }

    /** Whether try number {@code attempt} (1 for the first) may be made. */
    public boolean allows(int attempt) {
        return enabled && (maxAttempts == 0 || attempt <= maxAttempts);
    }
}
