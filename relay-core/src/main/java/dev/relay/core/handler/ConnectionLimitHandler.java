package dev.relay.core.handler;

import dev.relay.core.chat.ErrorCode;
import dev.relay.core.chat.ServerLines;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.AttributeKey;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Caps connections in total and per remote IP address. A connection over a cap gets one
 * {@code ERR too-many-connections} line and is closed; the handlers after this one never see it become
 * active. Place it after the frame encoder and before the chat handler.
 *
 * <p>{@link Sharable}: one instance counts for the whole server. Thread-safe (atomic counters).
 */
@Sharable
public final class ConnectionLimitHandler extends ChannelInboundHandlerAdapter {

    private static final AttributeKey<InetAddress> COUNTED = AttributeKey.valueOf(ConnectionLimitHandler.class, "counted");
    private static final InetAddress UNKNOWN = InetAddress.getLoopbackAddress();

    private final int maxTotal;
    private final int maxPerAddress;
    private final AtomicInteger total = new AtomicInteger();
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

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        InetAddress address = addressOf(ctx.channel().remoteAddress());
        if (total.incrementAndGet() > maxTotal) {
            total.decrementAndGet();
            refuse(ctx, "The server has its maximum of " + maxTotal + " connections; try again later");
            return;
        }
        AtomicInteger mine = perAddress.compute(address, (key, count) -> {
            AtomicInteger counter = count != null ? count : new AtomicInteger();
            counter.incrementAndGet();
            return counter;
        });
        if (maxPerAddress > 0 && mine.get() > maxPerAddress) {
            release(address);
            total.decrementAndGet();
            refuse(ctx, "Your address has the maximum of " + maxPerAddress + " connections");
            return;
        }
        ctx.channel().attr(COUNTED).set(address);
        ctx.fireChannelActive();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        InetAddress address = ctx.channel().attr(COUNTED).getAndSet(null);
        if (address != null) {
            release(address);
            total.decrementAndGet();
            ctx.fireChannelInactive();
        }
        // A refused connection was never active for the handlers after this one.
    }

    private void release(InetAddress address) {
        perAddress.computeIfPresent(address, (key, count) -> count.decrementAndGet() <= 0 ? null : count);
    }

    private static void refuse(ChannelHandlerContext ctx, String why) {
        ctx.channel().config().setAutoRead(false);
        ctx.writeAndFlush(ServerLines.error(ErrorCode.TOO_MANY_CONNECTIONS, why)).addListener(ChannelFutureListener.CLOSE);
    }

    private static InetAddress addressOf(SocketAddress address) {
        return address instanceof InetSocketAddress inet && inet.getAddress() != null ? inet.getAddress() : UNKNOWN;
    }
}
