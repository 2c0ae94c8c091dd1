package dev.relay.client;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/** A listener that queues events so a test can wait for the one it expects. */
final class EventRecorder implements RelayListener {

    private final BlockingQueue<RelayEvent> events = new LinkedBlockingQueue<>();
    final List<RelayEvent> seen = new ArrayList<>();

    @Override
    public void onEvent(RelayEvent event) {
        events.add(event);
    }

    /** Waits (up to 10 s) for the next event of {@code type} that matches; skips others. */
    <T extends RelayEvent> T await(Class<T> type, Predicate<T> wanted) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (true) {
            RelayEvent event;
            try {
                event = events.poll(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
            assertThat(event).as("a %s within 10 s; saw %s", type.getSimpleName(), seen).isNotNull();
            seen.add(event);
            if (type.isInstance(event) && wanted.test(type.cast(event))) {
                return type.cast(event);
            }
        }
    }

    <T extends RelayEvent> T await(Class<T> type) {
        return await(type, event -> true);
    }

    /** The next event of {@code type} among those that have arrived already (skipping others); fails if none has. */
    <T extends RelayEvent> T arrived(Class<T> type) {
        for (RelayEvent event; (event = events.poll()) != null; ) {
            seen.add(event);
            if (type.isInstance(event)) {
                return type.cast(event);
            }
        }
        throw new AssertionError("no " + type.getSimpleName() + " has arrived; saw " + seen);
    }
}
