package dev.relay.bench.jmh;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.ReferenceCountUtil;

/**
 * The last handler of a benchmark pipeline: counts each inbound message (and its readable bytes, for a
 * {@link ByteBuf}) and releases it at once, so nothing a benchmark sends piles up. The counts let a
 * benchmark check that everything it sent really arrived.
 *
 * <p>Not sharable: one instance per channel. It is called, and its counts change, only on that
 * channel's event loop; read them there, or after waiting on a task that ran there.
 */
final class FrameSinkHandler extends ChannelInboundHandlerAdapter {

    private long messages;
    private long bytes;

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        messages++;
        if (msg instanceof ByteBuf buf) {
            bytes += buf.readableBytes();
        }
        ReferenceCountUtil.release(msg);
    }

    long messages() {
        return messages;
    }

    long bytes() {
        return bytes;
    }
}
