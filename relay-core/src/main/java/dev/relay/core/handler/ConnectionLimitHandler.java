package dev.relay.core.handler;

import dev.relay.core.CloseReason;
import dev.relay.core.chat.ChatHandler;
import dev.relay.core.chat.ErrorCode;
import dev.relay.core.chat.ServerLines;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.AttributeKey;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;

/**
 * Caps connections in total and per remote IP address, counted on the <em>listening</em> channel: add it
 * as the server channel's handler ({@code ServerBootstrap.handler}), where it sees each accepted channel
 * before the child's pipeline does. A connection within the caps is counted until it closes.
 *
 * <p>A connection over a cap is not counted and not closed here: the server does not know yet how to
 * tell it (a chat {@code ERR} line, an HTTP 503, nothing for a TLS client it cannot speak to). It is
 * marked refused ({@link #refusal(Channel)}), and whatever learns the kind of client answers in the
 * client's terms and closes it, for a line client with {@link #refuse(Channel, String, Duration)}.
 * Whoever answers must close it with a deadline (the detector decides within its window at the latest).
 * When more refused connections than the total cap are waiting for their answer at once (a flood),
 * further ones are closed at once without a word.
 *
 * <p>{@link Sharable}: one instance counts for one server. Thread-safe (atomic counters); the accepted
 * channels are handed to it on the acceptor's event loop.
 */
@Sharable
public final class ConnectionLimitHandler extends ChannelInboundHandlerAdapter {

    private static final AttributeKey<String> REFUSED = AttributeKey.valueOf(ConnectionLimitHandler.class, "refused");
    private static final InetAddress UNKNOWN = InetAddress.getLoopbackAddress();

    private final int maxTotal;
    private final int maxPerAddress;
    private final AtomicInteger total = new AtomicInteger();
    private final AtomicInteger refusing = new AtomicInteger();
    private final ConcurrentMap<InetAddress, AtomicInteger> perAddress = new ConcurrentHashMap<>();

    /** @param maxPerAddress 0 for no per-address cap */
    public ConnectionLimitHandler(int maxTotal, int maxPerAddress) {
        if (maxTotal < 1 || maxPerAddress < 0) {
            throw new IllegalArgumentException("need maxTotal >= 1 and maxPerAddress >= 0");
        }
        this.maxTotal = maxTotal;
        this.maxPerAddress = maxPerAddress;
    }

    /** Connections counted right now. */
    public int connections() {
        return total.get();
    }

    /** Why {@code channel} was refused, to be told in the client's terms; {@code null} if it was not. Any thread. */
    public static @Nullable String refusal(Channel channel) {
        return channel.attr(REFUSED).get();
    }

    /**
     * Tells a refused line or length client why, with one {@code ERR too-many-connections} line framed by
     * the pipeline's encoder (written from the pipeline's tail), and closes it once that is written, or
     * after {@code timeout} if the client does not read it.
     */
    public static void refuse(Channel channel, String why, Duration timeout) {
        ChatHandler.closeAfter(channel, ServerLines.error(ErrorCode.TOO_MANY_CONNECTIONS, why), timeout,
                CloseReason.Kind.POLICY, why);
    }

    /** An accepted child channel, on its way to the acceptor that registers it. */
    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof Channel child) {
            String why = admit(child);
            if (why != null) {
                if (refusing.incrementAndGet() > maxTotal) {
                    refusing.decrementAndGet();
                    child.unsafe().closeForcibly(); // a flood: not even a word
                    return;
                }
                child.attr(REFUSED).set(why);
                child.closeFuture().addListener(closed -> refusing.decrementAndGet());
            }
        }
        ctx.fireChannelRead(msg);
    }

    /** Counts {@code child} in, or says why not. */
    private @Nullable String admit(Channel child) {
        InetAddress address = addressOf(child.remoteAddress());
        if (total.incrementAndGet() > maxTotal) {
            total.decrementAndGet();
            return "The server has its maximum of " + maxTotal + " connections; try again later";
        }
        AtomicInteger mine = perAddress.compute(address, (key, count) -> {
            AtomicInteger counter = count != null ? count : new AtomicInteger();
            counter.incrementAndGet();
            return counter;
        });
        if (maxPerAddress > 0 && mine.get() > maxPerAddress) {
            release(address);
            total.decrementAndGet();
            return "Your address has the maximum of " + maxPerAddress + " connections";
        }
        child.closeFuture().addListener(closed -> {
            release(address);
            total.decrementAndGet();
        });
        return null;
    }

    private void release(InetAddress address) {
        perAddress.computeIfPresent(address, (key, count) -> count.decrementAndGet() <= 0 ? null : count);
    }

    private static InetAddress addressOf(SocketAddress address) {
        return address instanceof InetSocketAddress inet && inet.getAddress() != null ? inet.getAddress() : UNKNOWN;
    }
}
