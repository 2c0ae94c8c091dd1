package dev.relay.core.codec;

import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.LineBasedFrameDecoder;

/**
 * The {@link Framing#LINE} decoder: Netty's {@link LineBasedFrameDecoder} (fail fast, delimiter
 * stripped), which also says how much of an unfinished line it holds ({@link BufferedInbound}).
 */
final class LineFrameDecoder extends LineBasedFrameDecoder implements BufferedInbound {

    LineFrameDecoder(int maxFrameLength) {
        super(maxFrameLength, true, true);
    }

    private long reported;

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
        super.channelRead(ctx, msg);
        reported = BufferedInbound.report(ctx.channel(), heldInboundBytes(), reported);
    }

    @Override
    public long heldInboundBytes() {
        // What the client has sent of an unfinished frame. The cumulation's spare capacity is left out: it
        // is released as soon as a read has been decoded, so counting it would make every busy sender look
        // like the biggest holder.
        return actualReadableBytes();
    }

    @Override
    public long partialFrameBytes() {
        return actualReadableBytes();
    }
}
