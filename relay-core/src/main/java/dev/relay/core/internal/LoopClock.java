package dev.relay.core.internal;

import io.netty.util.concurrent.AbstractScheduledEventExecutor;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.Ticker;

/**
 * The clock an event loop schedules by: its {@link Ticker}, so that timings measured by handlers agree
 * with the loop's scheduled tasks (and a test's {@code EmbeddedChannel.advanceTimeBy} moves both).
 * Not public API. Stateless; any thread.
 */
public final class LoopClock {

    private LoopClock() {
    }

    /** The ticker of {@code executor}, or the system ticker for an executor that has none. */
    public static Ticker of(EventExecutor executor) {
        return executor instanceof AbstractScheduledEventExecutor scheduled ? scheduled.ticker() : Ticker.systemTicker();
    }

    /** Now on {@code executor}'s clock, never 0 (0 means "not set" to the callers). */
    public static long now(EventExecutor executor) {
        long now = of(executor).nanoTime();
        return now == 0 ? 1 : now;
    }
}
