package dev.relay.server;

/** The server could not do what it was asked, e.g. bind its port. The message is fit for an operator. */
public final class RelayServerException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public RelayServerException(String message, Throwable cause) {
        super(message, cause);
    }
}
