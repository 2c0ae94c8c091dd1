package dev.relay.core.chat;

import dev.relay.core.codec.Framing;
import java.net.SocketAddress;
import java.time.Duration;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * A user event: the connection's transport is known and ready to carry protocol lines, so its chat
 * session may start. Fired through the pipeline towards the {@link ChatHandler} once, by whatever
 * decided the transport: the port's detector once it has seen a client's first bytes (or its silence),
 * a fixed-framing server as soon as a connection is active ({@link ChatPipeline#readyOnActive()}), the
 * WebSocket handshake once it is complete. The chat handler says nothing before it: until then the
 * server does not know how to frame a line for this client.
 *
 * <p>The session then starts as PROTOCOL.md says: with the arrival line's nick and rooms if one comes
 * within {@link #arrivalWindow()}, otherwise as a guest in the default room.
 *
 * @param framing       how this client's lines are framed: its kind of client
 * @param remoteAddress the client's address, as the transport sees it ({@code null} if unknown)
 * @param arrivalWindow how much longer the client has to send its arrival line; what is left of the
 *                      window that started when it connected (detection used the rest), zero to start a
 *                      guest at once
 * @param silent        the client has sent nothing at all in the whole window: its guest session starts
 *                      unannounced (PROTOCOL.md, "Silent guests")
 */
public record TransportReady(Framing framing, @Nullable SocketAddress remoteAddress, Duration arrivalWindow,
        boolean silent) {

    /** A transport ready with {@code arrivalWindow} left, from a client that may still speak in it. */
    public TransportReady(Framing framing, @Nullable SocketAddress remoteAddress, Duration arrivalWindow) {
        this(framing, remoteAddress, arrivalWindow, false);
    }

    public TransportReady {
        Objects.requireNonNull(framing, "framing");
        Objects.requireNonNull(arrivalWindow, "arrivalWindow");
        if (arrivalWindow.isNegative()) {
            arrivalWindow = Duration.ZERO;
        }
    }
}
