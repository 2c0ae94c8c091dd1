package dev.relay.testing;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;

/**
 * For EmbeddedChannel tests: holds back flushes while closed, as a socket whose peer does not read
 * would, so written bytes stay pending in the channel's outbound buffer. Put it first in the pipeline.
 */
public final class FlushValve extends ChannelOutboundHandlerAdapter {

    private boolean open;

    public FlushValve open() {
        open = true;
        return this;
    }

    /** Holds back flushes again, as a client that stops reading. */
    public FlushValve shut() {
        open = false;
        return this;
    }

    @Override
    public void flush(ChannelHandlerContext ctx) {
        if (open) {
            ctx.flush();
        }
    }
}
