package dev.relay.server;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * What a test opened (servers, clients, browsers), closed in reverse order after each test. Register it
 * with {@code @RegisterExtension}. Add from the test's thread only.
 */
final class Opened implements AfterEachCallback {

    private final List<AutoCloseable> open = new ArrayList<>();

    /** Remembers {@code closeable} to close after the test; returns it. */
    <T extends AutoCloseable> T add(T closeable) {
        open.add(closeable);
        return closeable;
    }

    /** A server on 127.0.0.1 and a free port, with {@code config}'s other settings, closed after the test. */
    RelayServer server(RelayServerConfig.Builder config) {
        return add(new RelayServer(config.host("127.0.0.1").port(0).build()).start());
    }

    @Override
    public void afterEach(ExtensionContext context) throws Exception {
        Exception first = null;
        for (int i = open.size() - 1; i >= 0; i--) {
            try {
                open.get(i).close();
            } catch (Exception e) {
                if (first == null) {
                    first = e;
                }
            }
        }
        open.clear();
        if (first != null) {
            throw first;
        }
    }
}
