package dev.relay.server;

import dev.relay.core.CloseReason;
import dev.relay.core.chat.TransportReady;
import dev.relay.core.codec.Framing;
import dev.relay.core.handler.ConnectionLimitHandler;
import dev.relay.core.internal.LoopClock;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.util.concurrent.ScheduledFuture;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The first handler of every connection on a port that serves all kinds of client: it looks at the
 * client's first bytes, decides what kind of client this is, puts the matching stack in the pipeline
 * after itself, and removes itself, passing on the bytes it looked at (as Netty's port unification
 * example does). The rules (PROTOCOL.md, "Detection"):
 *
 * <ul>
 *   <li>first byte {@code 0x00}: a length-framed client (a frame shorter than 16 MiB starts with it);</li>
 *   <li>{@code 0x16 0x03 0x00..0x04}: a TLS ClientHello; recognised, but this port has no TLS, so the
 *       connection is closed;</li>
 *   <li>an HTTP/1 request line, {@code METHOD /target HTTP/}, upper-case method (only when the web is on):
 *       an HTTP client (the page at {@code /}, WebSocket at {@code /ws});</li>
 *   <li>anything else: a line client, decided as soon as a byte rules the others out (a lower-case
 *       letter, a {@code /}, a digit...);</li>
 *   <li>nothing at all by the end of the window (the arrival window: 250 ms by default): a line client,
 *       so that an {@code nc} user is welcomed without typing, as a silent guest that its room hears of
 *       once it speaks (a browser's spare connection never does). A client still in the middle of an
 *       ambiguous first line then is a line client too.</li>
 * </ul>
 *
 * Detection never waits for more bytes than the rule it is checking needs, and never for longer than
 * the window. What is left of the window after detection is the client's arrival window
 * ({@link TransportReady#arrivalWindow()}): the two are one window.
 *
 * <p>A connection over a connection limit ({@link ConnectionLimitHandler#refusal}) is told so once its
 * kind is known: a line or length client gets one {@code ERR too-many-connections}, an HTTP client a 503.
 *
 * <p>One per connection; event loop only.
 */
final class ProtocolDetector extends ByteToMessageDecoder {

    private static final Logger log = LoggerFactory.getLogger(ProtocolDetector.class);

    /**
     * The longest request target an HTTP client may send in its request line: what detection may hold
     * for an undecided connection, outside the memory budget (which counts a chat connection once its
     * kind is known), for at most the window. The page's paths are short.
     */
    static final int MAX_REQUEST_TARGET = 2048;
    private static final int MAX_METHOD = 16;
    private static final byte[] HTTP_VERSION = {'H', 'T', 'T', 'P', '/'};

    /** What the first bytes say. */
    enum Kind { LINE, LENGTH, HTTP, TLS }

    private final ChatConnections chats;
    private final @Nullable WebHandler web;
    private final Duration window;
    private long connectedAt;
    private @Nullable ScheduledFuture<?> deadline;
    private boolean decided;
    private boolean windowOver;
    private boolean silent;

    /** @param web the web side, or {@code null} when HTTP is not detected ({@code --no-web}) */
    ProtocolDetector(ChatConnections chats, @Nullable WebHandler web, Duration window) {
        this.chats = chats;
        this.web = web;
        this.window = window;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        connectedAt = LoopClock.now(ctx.executor());
        deadline = ctx.executor().schedule(() -> {
            if (!decided && ctx.channel().isActive()) {
                decideSilent(ctx); // silent (or unfinished) for the whole window
            }
        }, window.toNanos(), TimeUnit.NANOSECONDS);
    }

    @Override
    protected void handlerRemoved0(ChannelHandlerContext ctx) {
        cancelDeadline();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        decided = true; // gone before it said what it is: nothing to set up
        cancelDeadline();
        super.channelInactive(ctx);
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        if (decided) {
            in.skipBytes(in.readableBytes());
            return;
        }
        Kind kind = detect(in, web != null);
        if (kind != null) {
            decide(ctx, kind);
        }
    }

    /**
     * What kind of client sent {@code in} (its first bytes, not consumed), or {@code null} if it takes
     * more bytes to tell.
     */
    static @Nullable Kind detect(ByteBuf in, boolean http) {
        int start = in.readerIndex();
        int end = in.writerIndex();
        if (start == end) {
            return null;
        }
        int first = in.getUnsignedByte(start);
        if (first == 0x00) {
            return Kind.LENGTH;
        }
        if (first == 0x16) { // TLS record type handshake, then the record version 3.x
            if (end - start < 2) {
                return null;
            }
            if (in.getUnsignedByte(start + 1) != 0x03) {
                return Kind.LINE;
            }
            if (end - start < 3) {
                return null;
            }
            return in.getUnsignedByte(start + 2) <= 0x04 ? Kind.TLS : Kind.LINE;
        }
        if (http && first >= 'A' && first <= 'Z') {
            return requestLine(in, start, end);
        }
        return Kind.LINE;
    }

    /** {@code METHOD SP /target SP HTTP/}: HTTP once all of it is there, LINE at the first byte that does not fit. */
    private static @Nullable Kind requestLine(ByteBuf in, int start, int end) {
        int i = start;
        while (i < end && isUpper(in.getByte(i))) {
            if (++i - start > MAX_METHOD) {
                return Kind.LINE;
            }
        }
        if (i == end) {
            return null;
        }
        if (in.getByte(i++) != ' ') {
            return Kind.LINE;
        }
        int target = i;
        if (i == end) {
            return null;
        }
        if (in.getByte(i) != '/') {
            return Kind.LINE;
        }
        while (i < end && in.getByte(i) > ' ' && in.getByte(i) < 0x7f) {
            if (++i - target > MAX_REQUEST_TARGET) {
                return Kind.LINE;
            }
        }
        if (i == end) {
            return null;
        }
        if (in.getByte(i++) != ' ') {
            return Kind.LINE;
        }
        for (byte expected : HTTP_VERSION) {
            if (i == end) {
                return null;
            }
            if (in.getByte(i++) != expected) {
                return Kind.LINE;
            }
        }
        return Kind.HTTP;
    }

    private static boolean isUpper(byte b) {
        return b >= 'A' && b <= 'Z';
    }

    /** The window is over: a line client, silent if it sent nothing at all (not even an unfinished start). */
    private void decideSilent(ChannelHandlerContext ctx) {
        windowOver = true;
        silent = actualReadableBytes() == 0 && !window.isZero(); // with no window, no one had a chance to speak
        decide(ctx, Kind.LINE);
    }

    /** Sets the connection up for {@code kind}, starts its session if it has one, and steps aside. */
    private void decide(ChannelHandlerContext ctx, Kind kind) {
        decided = true;
        cancelDeadline();
        Channel channel = ctx.channel();
        String refusal = ConnectionLimitHandler.refusal(channel);
        switch (kind) {
            case LINE, LENGTH -> {
                Framing framing = kind == Kind.LINE ? Framing.LINE : Framing.LENGTH;
                chats.addFraming(ctx.pipeline(), framing);
                if (refusal != null) {
                    ConnectionLimitHandler.refuse(channel, refusal, chats.config().chatLimits().closeTimeout());
                    ctx.pipeline().remove(this); // reading has stopped; what it sent is dropped unread
                    return;
                }
                chats.addChat(ctx.pipeline());
                Duration left = window.minusNanos(LoopClock.now(ctx.executor()) - connectedAt);
                if (windowOver) {
                    left = Duration.ZERO; // the window is over: a guest now, the bytes of an unfinished line after
                } else if (left.isNegative() || left.isZero()) {
                    // Decided on bytes that came within the window (the loop was just late to read them): the
                    // lines among them are read before the window closes, so an arrival line there counts.
                    left = Duration.ofMillis(1);
                }
                ctx.fireUserEventTriggered(new TransportReady(framing, channel.remoteAddress(), left, silent));
            }
            case HTTP -> {
                if (web == null) {
                    throw new IllegalStateException("HTTP detected with the web off");
                }
                web.addTo(ctx.pipeline());
            }
            case TLS -> {
                log.debug("Closing {}: a TLS ClientHello, and this port has no TLS", channel);
                CloseReason.set(channel, CloseReason.Kind.POLICY, "TLS is not enabled on this port");
                channel.config().setAutoRead(false);
                channel.close();
                return; // its bytes go with the channel
            }
            default -> throw new IllegalStateException("unknown kind " + kind);
        }
        ctx.pipeline().remove(this); // passes on the bytes looked at (ByteToMessageDecoder does this)
    }

    private void cancelDeadline() {
        if (deadline != null) {
            deadline.cancel(false);
            deadline = null;
        }
    }
}
