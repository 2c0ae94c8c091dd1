package dev.relay.core.codec;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.LengthFieldBasedFrameDecoder;
import io.netty.handler.codec.TooLongFrameException;
import org.jspecify.annotations.Nullable;

/**
 * The {@link Framing#LENGTH} decoder: a 4-byte unsigned big-endian length, then the payload.
 *
 * <p>Netty's decoder throws on an over-long frame, which stops decoding until more bytes arrive: a
 * valid frame that came in the same read as an over-long one would wait for the client's next write.
 * This one reports the over-long frame through {@code exceptionCaught}, as the line decoder does, and
 * goes on decoding what it already has.
 */
final class LengthFrameDecoder extends LengthFieldBasedFrameDecoder implements BufferedInbound {

    LengthFrameDecoder(int maxPayloadLength) {
        // Netty counts the 4 length bytes into the frame length; our limit is on the payload.
        super(maxPayloadLength + 4, 0, 4, 0, 4, true);
    }

    @Override
    protected @Nullable Object decode(ChannelHandlerContext ctx, ByteBuf in) throws Exception {
        if (state.paused()) {
            return null;
        }
        try {
            return super.decode(ctx, in);
        } catch (TooLongFrameException e) {
            ctx.fireExceptionCaught(e);
            return null;
        }
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
