package dev.relay.server;

import dev.relay.core.CloseReason;
import dev.relay.core.codec.BufferedInbound;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.CompositeByteBuf;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.ContinuationWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CorruptedWebSocketFrameException;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PongWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketCloseStatus;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import java.nio.channels.ClosedChannelException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A WebSocket connection as a carrier of protocol lines: each text message is one line. Sits right after
 * Netty's WebSocket decoder and encoder.
 *
 * <p>Inbound: a text message (one frame, or a first frame and its continuations) goes on as its payload
 * {@link ByteBuf}, which the line decoder reads as any framing's payload; a message over the frame limit
 * (the decoder's for one frame, counted here across fragments) closes the connection with 1009. Binary
 * messages are refused with 1003. Pings are answered; a close frame from the client is answered and the
 * connection closed.
 *
 * <p>Outbound: lines arrive already framed as WebSocket text frames (the {@code WEBSOCKET} framing's
 * encoder, and room fan-out), and pass through. Closing the channel first sends a close frame with the
 * channel's {@link CloseReason} (code and text; 1001 "closing" when none was given), unless the client
 * is not reading, when there is no point in queueing one.
 *
 * <p>Keep-alive: every ping interval the server pings; a client that has sent nothing at all (not even
 * the pong) since the previous ping is closed with 1008.
 *
 * <p>The fragments of an unfinished message count against the memory budget ({@link BufferedInbound}).
 *
 * <p>One per connection; event loop only.
 */
final class WebSocketLines extends ChannelDuplexHandler implements BufferedInbound {

    private static final Logger log = LoggerFactory.getLogger(WebSocketLines.class);
    /** The most UTF-8 bytes a close frame's reason may have (125 minus the 2-byte code). */
    static final int MAX_CLOSE_REASON_BYTES = 123;
    /** How long a close frame may take to be written before the connection is closed anyway. */
    private static final long CLOSE_FRAME_TIMEOUT_MILLIS = 2_000;

    private final Duration pingInterval;
    private @Nullable CompositeByteBuf fragments;
    private final int maxMessage;
    private boolean closeSent;
    private boolean heard = true;
    private @Nullable ScheduledFuture<?> pinger;

    /**
     * @param pingInterval how often to ping; zero for never
     * @param maxMessage   the most payload bytes one message may have, over all its fragments
     */
    WebSocketLines(Duration pingInterval, int maxMessage) {
        this.pingInterval = pingInterval;
        this.maxMessage = maxMessage;
    }

    /** The fragments of an unfinished message count against the memory budget, as a partial line does. */
    @Override
    public long heldInboundBytes() {
        return fragments == null ? 0 : fragments.readableBytes();
    }

    @Override
    public long partialFrameBytes() {
        return fragments == null ? 0 : fragments.readableBytes();
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        if (!pingInterval.isZero()) {
            long nanos = pingInterval.toNanos();
            pinger = ctx.executor().scheduleAtFixedRate(() -> ping(ctx), nanos, nanos, TimeUnit.NANOSECONDS);
        }
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        stop();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        stop();
        ctx.fireChannelInactive();
    }

    private void stop() {
        if (pinger != null) {
            pinger.cancel(false);
            pinger = null;
        }
        if (fragments != null) {
            fragments.release();
            fragments = null;
        }
    }

    private void ping(ChannelHandlerContext ctx) {
        if (!ctx.channel().isActive() || closeSent) {
            return;
        }
        if (!heard) {
            log.debug("Closing {}: no answer to the ping sent {} ago", ctx.channel(), pingInterval);
            CloseReason.set(ctx.channel(), CloseReason.Kind.POLICY,
                    "no answer to a ping for " + (pingInterval.toMillis() % 1000 == 0
                            ? pingInterval.toSeconds() + " s" : pingInterval.toMillis() + " ms"));
            ctx.channel().close();
            return;
        }
        heard = false;
        ctx.writeAndFlush(new PingWebSocketFrame(), ctx.voidPromise());
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof WebSocketFrame frame)) {
            ctx.fireChannelRead(msg);
            return;
        }
        heard = true;
        if (closeSent && !(frame instanceof CloseWebSocketFrame)) {
            frame.release(); // closing: the client's last words are not read
            return;
        }
        if (frame instanceof TextWebSocketFrame || frame instanceof ContinuationWebSocketFrame) {
            data(ctx, frame);
        } else if (frame instanceof PingWebSocketFrame) {
            ctx.writeAndFlush(new PongWebSocketFrame(frame.content()), ctx.voidPromise()); // the payload goes back
        } else if (frame instanceof PongWebSocketFrame) {
            frame.release();
        } else if (frame instanceof CloseWebSocketFrame close) {
            closedByClient(ctx, close);
        } else if (frame instanceof BinaryWebSocketFrame) {
            frame.release();
            closeWith(ctx, CloseReason.Kind.UNSUPPORTED_DATA, "text messages only: one protocol line each");
        } else {
            frame.release();
        }
    }

    private void data(ChannelHandlerContext ctx, WebSocketFrame frame) {
        boolean continuation = frame instanceof ContinuationWebSocketFrame;
        if (continuation != (fragments != null)) {
            frame.release();
            closeWith(ctx, CloseReason.Kind.PROTOCOL_ERROR,
                    continuation ? "a continuation frame with no message to continue" : "a new message inside another");
            return;
        }
        if (!continuation && frame.isFinalFragment()) {
            ctx.fireChannelRead(frame.content()); // the common case: one frame, one line
            return;
        }
        if (fragments == null) {
            fragments = ctx.alloc().compositeBuffer();
        }
        fragments.addComponent(true, frame.content());
        if (fragments.readableBytes() > maxMessage) {
            closeWith(ctx, CloseReason.Kind.TOO_BIG, "message over " + maxMessage + " bytes");
            return;
        }
        if (frame.isFinalFragment()) {
            ByteBuf message = fragments;
            fragments = null;
            ctx.fireChannelRead(message);
        }
    }

    /** The client started the closing handshake: answer with its status and close once that is written. */
    private void closedByClient(ChannelHandlerContext ctx, CloseWebSocketFrame close) {
        if (closeSent) {
            close.release();
            ctx.close();
            return;
        }
        int code = close.statusCode();
        close.release();
        closeSent = true;
        CloseWebSocketFrame answer = code > 0 ? new CloseWebSocketFrame(code, null) : new CloseWebSocketFrame();
        ctx.writeAndFlush(answer).addListener(ChannelFutureListener.CLOSE);
    }

    private void closeWith(ChannelHandlerContext ctx, CloseReason.Kind kind, String why) {
        log.debug("Closing {}: {}", ctx.channel(), why);
        CloseReason.set(ctx.channel(), kind, why);
        ctx.channel().config().setAutoRead(false);
        ctx.channel().close();
    }

    /** A frame the decoder could not take (too big, badly formed): close with its status and reason. */
    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (cause instanceof CorruptedWebSocketFrameException corrupt) {
            WebSocketCloseStatus status = corrupt.closeStatus();
            if (status.code() == WebSocketCloseStatus.MESSAGE_TOO_BIG.code()) {
                closeWith(ctx, CloseReason.Kind.TOO_BIG, "message over " + maxMessage + " bytes");
            } else {
                closeWith(ctx, CloseReason.Kind.PROTOCOL_ERROR, String.valueOf(corrupt.getMessage()));
            }
            return;
        }
        ctx.fireExceptionCaught(cause);
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
        if (closeSent) {
            ReferenceCountUtil.release(msg);
            promise.tryFailure(new ClosedChannelException());
            return;
        }
        ctx.write(msg, promise);
    }

    /**
     * Says why in a close frame first (the channel's {@link CloseReason}), then closes once it is written
     * (or after {@value #CLOSE_FRAME_TIMEOUT_MILLIS} ms). Straight away if a close frame went out already,
     * or if the client is not reading (it would wait behind everything the client did not read).
     */
    @Override
    public void close(ChannelHandlerContext ctx, ChannelPromise promise) {
        if (closeSent || !ctx.channel().isActive() || !ctx.channel().isWritable()) {
            closeSent = true;
            ctx.close(promise);
            return;
        }
        closeSent = true;
        CloseReason reason = CloseReason.of(ctx.channel());
        int code = reason != null ? reason.kind().webSocketCode() : CloseReason.Kind.GOING_AWAY.webSocketCode();
        String text = truncate(reason != null ? reason.text() : "closing");
        ScheduledFuture<?> timeout = ctx.executor().schedule(() -> {
            ctx.close(promise);
        }, CLOSE_FRAME_TIMEOUT_MILLIS, TimeUnit.MILLISECONDS);
        ctx.writeAndFlush(new CloseWebSocketFrame(code, text)).addListener(written -> {
            timeout.cancel(false);
            if (!promise.isDone()) {
                ctx.close(promise);
            }
        });
    }

    /** {@code text}, cut to fit a close frame, on a character boundary. */
    static String truncate(String text) {
        if (ByteBufUtil.utf8Bytes(text) <= MAX_CLOSE_REASON_BYTES) {
            return text;
        }
        int end = text.length();
        while (end > 0 && text.substring(0, end).getBytes(StandardCharsets.UTF_8).length > MAX_CLOSE_REASON_BYTES - 3) {
            end--;
            if (end > 0 && Character.isLowSurrogate(text.charAt(end))) {
                end--;
            }
        }
        return text.substring(0, end) + "...";
    }
}
