package dev.relay.bench;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * One generator connection: sends the {@link Wire}'s handshake on connect, completes {@link #ready()}
 * when the server confirms it, answers keep-alives, reports problems to the {@link Bench}, and hands
 * messages to {@link #onMessage}. It parses in place and produces nothing for the pipeline.
 *
 * <p>Threading: all state is touched only on the channel's event loop, except where a subclass says.
 */
abstract class BenchConnection extends ByteToMessageDecoder implements Wire.Sink {

    private static final VarHandle NEXT = MethodHandles.arrayElementVarHandle(long[].class);

    final Bench bench;
    final Wire wire;
    final String room;
    final int index;
    private final boolean subscribe;
    /**
     * Per publisher, the next sequence number expected: also how many this connection has heard from
     * it. Written on the event loop, read by publishers' windows on other threads (opaque access).
     */
    private final long[] next;
    private final CompletableFuture<Void> ready = new CompletableFuture<>();
    ChannelHandlerContext ctx;

    BenchConnection(Bench bench, String room, int index, boolean subscribe, int publishers) {
        this.next = new long[Math.max(publishers, 1)];
        this.bench = bench;
        this.wire = bench.wire();
        this.room = room;
        this.index = index;
        this.subscribe = subscribe;
    }

    /** Completes when the server has confirmed the handshake; fails if the connection closes first. */
    final CompletableFuture<Void> ready() {
        return ready;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) throws Exception {
        ByteBuf handshake = ctx.alloc().buffer();
        wire.writeHandshake(handshake, room, subscribe);
        ctx.writeAndFlush(handshake, ctx.voidPromise());
        super.channelActive(ctx);
    }

    @Override
    protected final void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        wire.parse(in, this);
    }

    @Override
    public final void control(String line) {
        if (!ready.isDone() && wire.isReady(line)) {
            ready.complete(null);
            return;
        }
        String reply = wire.reply(line);
        if (reply != null) {
            ctx.writeAndFlush(Unpooled.copiedBuffer(reply, StandardCharsets.US_ASCII), ctx.voidPromise());
        } else if (wire.isProblem(line)) {
            bench.problem(name() + " got: " + line);
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        if (ready.completeExceptionally(new IllegalStateException(name() + ": closed by the server during the handshake"))) {
            bench.problem(name() + " was closed by the server before it was ready");
        } else if (!bench.closing()) {
            bench.problem(name() + " was disconnected by the server during the run");
        }
        super.channelInactive(ctx);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        bench.problem(name() + ": " + cause);
        ctx.close();
    }

    /**
     * Counts a message from {@code publisher} with sequence number {@code seq}; returns whether it was
     * the one expected next (in order, not repeated), or throws nothing and returns false if unknown.
     */
    final boolean heard(int publisher, long seq) {
        if (publisher >= next.length) {
            bench.problem(name() + " got a message from an unknown publisher " + publisher);
            return false;
        }
        long expected = next[publisher];
        NEXT.setOpaque(next, publisher, Math.max(seq + 1, expected));
        return seq == expected;
    }

    /** How many messages this connection has heard from {@code publisher} (any thread). */
    final long receivedFrom(int publisher) {
        return (long) NEXT.getOpaque(next, publisher);
    }

    abstract String name();
}
