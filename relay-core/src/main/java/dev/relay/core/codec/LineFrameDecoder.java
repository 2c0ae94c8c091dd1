package dev.relay.core.codec;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.LineBasedFrameDecoder;
import org.jspecify.annotations.Nullable;

/**
 * The {@link Framing#LINE} decoder: Netty's {@link LineBasedFrameDecoder} (fail fast, delimiter
 * stripped), which also says how much of an unfinished line it holds ({@link BufferedInbound}).
 */
final class LineFrameDecoder extends LineBasedFrameDecoder implements BufferedInbound {

    LineFrameDecoder(int maxFrameLength) {
        super(maxFrameLength, true, true);
    }

    private final DecoderState state = new DecoderState();

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) throws Exception {
        state.added(ctx);
        super.handlerAdded(ctx);
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) throws Exception {
        if (!state.readCompleteWhilePaused(ctx)) {
            super.channelReadComplete(ctx);
        }
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
        super.channelRead(ctx, msg);
        state.read(ctx, heldInboundBytes());
    }

    @Override
    protected @Nullable Object decode(ChannelHandlerContext ctx, ByteBuf buffer) throws Exception {
        return state.paused() ? null : super.decode(ctx, buffer);
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
        return state.partial(actualReadableBytes());
    }
}
