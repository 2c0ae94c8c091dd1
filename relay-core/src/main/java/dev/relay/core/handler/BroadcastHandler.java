package dev.relay.core.handler;

import dev.relay.core.Room;
import dev.relay.core.RoomRegistry;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.TooLongFrameException;
import java.io.IOException;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The raw relay, without the chat protocol: every frame a member sends is forwarded verbatim, as one
 * frame, to every other member of one room. For apps that bring their own payloads.
 *
 * <p>Place it after a {@link dev.relay.core.codec.FrameCodec}'s decoder and encoder. A channel joins the
 * room when it becomes active and leaves when it closes. An over-long frame is dropped (the decoder
 * skips it) and the connection goes on; nothing is sent back, since the payloads are the app's own.
 *
 * <p>Stateless and {@link Sharable}: one instance may serve all channels of a room.
 */
@Sharable
public final class BroadcastHandler extends ChannelInboundHandlerAdapter {

    private static final Logger log = LoggerFactory.getLogger(BroadcastHandler.class);

    private final RoomRegistry rooms;
    private final String room;

    public BroadcastHandler(RoomRegistry rooms, String room) {
        this.rooms = Objects.requireNonNull(rooms, "rooms");
        this.room = Objects.requireNonNull(room, "room");
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        rooms.join(room, ctx.channel());
        ctx.fireChannelActive();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        Room current = rooms.get(room);
        if (current != null) {
            rooms.leave(current, ctx.channel());
        }
        ctx.fireChannelInactive();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof ByteBuf payload)) {
            ctx.fireChannelRead(msg);
            return;
        }
        Room current = rooms.get(room);
        if (current == null) {
            payload.release();
        } else {
            current.broadcast(ctx.channel(), payload);
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (cause instanceof TooLongFrameException) {
            log.debug("Dropped an over-long frame from {}: {}", ctx.channel(), cause.getMessage());
            return;
        }
        if (cause instanceof IOException || !ctx.channel().isActive()) {
            log.debug("Closing {}: {}", ctx.channel(), cause.toString());
        } else {
            log.warn("Closing {} after an unexpected error", ctx.channel(), cause);
        }
        ctx.close();
    }
}
