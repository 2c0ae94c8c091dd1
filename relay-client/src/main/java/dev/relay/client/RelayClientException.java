package dev.relay.client;

import dev.relay.core.chat.ErrorCode;
import org.jspecify.annotations.Nullable;

/**
 * A request of a {@link RelayClient} failed: it could not connect, it was not connected, the server
 * refused (then {@link #errorCode()} tells why), or no answer came in time.
 */
public final class RelayClientException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final @Nullable ErrorCode errorCode;

    public RelayClientException(String message) {
        this(message, null, null);
    }

    public RelayClientException(String message, @Nullable ErrorCode errorCode, @Nullable Throwable cause) {
        super(message, cause);
        this.errorCode = errorCode;
    }

    /** The server's error code when the server refused the request, else {@code null}. */
    public @Nullable ErrorCode errorCode() {
        return errorCode;
    }
}
