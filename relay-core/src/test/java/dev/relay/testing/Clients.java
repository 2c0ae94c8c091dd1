package dev.relay.testing;

import java.util.ArrayList;
import java.util.List;

/** The clients a test opened, closed together at its end. Add from one thread (the test's) at a time. */
public final class Clients implements AutoCloseable {

    private final List<TestClient> open = new ArrayList<>();

    /** Remembers {@code client} for {@link #close()}; returns it. */
    public synchronized TestClient add(TestClient client) {
        open.add(client);
        return client;
    }

    /** Closes every client added, abruptly (as {@link TestClient#close()} does). */
    @Override
    public synchronized void close() {
        open.forEach(TestClient::close);
    }
}
