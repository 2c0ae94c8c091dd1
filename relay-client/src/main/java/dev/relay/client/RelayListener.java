package dev.relay.client;

/**
 * Receives a {@link RelayClient}'s events.
 *
 * <p>Threading: called on the client's single event loop thread, one event at a time and in the order
 * the server sent the lines. Do not block in it (hand slow work to your own executor). An exception
 * thrown by the listener is logged and otherwise ignored: it never closes the connection.
 */
@FunctionalInterface
public interface RelayListener {

    void onEvent(RelayEvent event);
}
