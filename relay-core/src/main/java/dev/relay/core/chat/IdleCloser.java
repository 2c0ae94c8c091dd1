package dev.relay.core.chat;

import dev.relay.core.CloseReason;
import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.timeout.IdleState;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.handler.timeout.IdleStateHandler;
import java.time.Duration;
import java.util.Objects;

/**
 * The idle closer: with an {@link IdleStateHandler} before it, a connection that has sent nothing for
 * its reader-idle time is told {@code BYE} and closed (after the line is written, or after the close
 * timeout if the client does not read it). Its {@link CloseReason} ({@value #REASON}) goes on as a user
 * event at once, so that the protocol handler tells its rooms now, not when a client that does not
 * read is finally closed.
 *
 * <p>Place it after the framing's encoder (its {@code BYE} is a line like any other) and before the
 * protocol handler. Stateless and {@link Sharable}.
 */
@Sharable
public final class IdleCloser extends ChannelInboundHandlerAdapter {

    /** What the rooms of a connection closed for silence are told. */
    public static final String REASON = "idle: sent nothing for too long";

    private final Duration closeTimeout;

    /** @param closeTimeout how long the {@code BYE} may take to be written before the connection is closed anyway */
    public IdleCloser(Duration closeTimeout) {
        this.closeTimeout = Objects.requireNonNull(closeTimeout, "closeTimeout");
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof IdleStateEvent idle && idle.state() == IdleState.READER_IDLE) {
            if (ctx.channel().isActive() && CloseReason.of(ctx.channel()) == null) {
                ChatHandler.closeAfter(ctx.channel(),
                        ServerLines.bye("Closing an idle connection (send /ping to stay connected)"),
                        closeTimeout, CloseReason.Kind.POLICY, REASON);
                CloseReason reason = CloseReason.of(ctx.channel());
                if (reason != null) {
                    ctx.fireUserEventTriggered(reason);
                }
            }
            return;
        }
        ctx.fireUserEventTriggered(evt);
    }
}
