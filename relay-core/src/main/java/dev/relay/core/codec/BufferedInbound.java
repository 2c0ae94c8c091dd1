package dev.relay.core.codec;

/**
 * A handler that holds inbound bytes a client sent but the server has not acted on yet: a frame decoder's
 * unfinished frame, or frames a read gate holds back. The slow-consumer guard finds these handlers in a
 * channel's pipeline and counts what they hold against the server's memory budget, and cuts a connection
 * whose unfinished frame stops growing (a client that opened a large frame and went silent).
 *
 * <p>Threading: called only on the channel's event loop.
 */
public interface BufferedInbound {

    /** Bytes of memory held for this channel's inbound data right now (buffer capacity, not just content). */
    long heldInboundBytes();

    /** Bytes of an unfinished frame received so far (0 if none); a value that stops changing means a stall. */
    long partialFrameBytes();

    /**
     * When this handler stopped reading from the client because the client does not read what it is sent,
     * on the event loop's clock; 0 while it reads. A client held back this way for longer than the
     * slow-consumer grace period counts as a slow consumer.
     */
    default long readBlockedSinceNanos() {
        return 0;
    }
}
