package dev.relay.core.codec;

import io.netty.buffer.ByteBuf;
import io.netty.handler.codec.LineBasedFrameDecoder;

/**
 * The {@link Framing#LINE} decoder: Netty's {@link LineBasedFrameDecoder} (fail fast, delimiter
 * stripped), which also says how much of an unfinished line it holds ({@link BufferedInbound}).
 */
final class LineFrameDecoder extends LineBasedFrameDecoder implements BufferedInbound {

    LineFrameDecoder(int maxFrameLength) {
        super(maxFrameLength, true, true);
    }

    @Override
    public long heldInboundBytes() {
        ByteBuf buffer = internalBuffer();
        return buffer.isReadable() ? buffer.capacity() : 0;
    }

    @Override
    public long partialFrameBytes() {
        return actualReadableBytes();
    }
}
