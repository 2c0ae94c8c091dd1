package dev.relay.examples.embedded;

import dev.relay.core.Room;
import dev.relay.core.chat.ChatLineDecoder;
import dev.relay.core.chat.ServerLines;
import dev.relay.core.chat.Session;
import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import java.time.Clock;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/**
 * A server-side bot in the relay's own pipeline: when someone says {@code !time}, the room (sender
 * included) hears {@code MSG room timebot It is 12:34:56 UTC}. Goes before the chat handler
 * ({@code pipeline.addBefore(RelayPipeline.CHAT, "timebot", bot)}), where it sees each protocol line
 * after the line decoder ({@link ChatLineDecoder#textOf}), lets every line through, and
 * answers after the chat handler has relayed the question. Stateless and {@link Sharable}.
 */
@Sharable
public final class TimeBotHandler extends ChannelInboundHandlerAdapter {

    public static final String NICK = "timebot";
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss 'UTC'").withZone(ZoneOffset.UTC);

    private final Clock clock;

    public TimeBotHandler(Clock clock) {
        this.clock = clock;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        String line = ChatLineDecoder.textOf(msg); // a String, or a CleanLine for plain clean text
        boolean asksTime = line != null && line.strip().equals("!time");
        ctx.fireChannelRead(msg); // the chat handler relays the question (and releases what holds bytes)
        if (asksTime) {
            Session session = Session.of(ctx.channel());
            Room room = session == null ? null : session.room();
            if (room != null) {
                room.broadcast(null, ServerLines.message(room.name(), NICK, "It is " + TIME.format(clock.instant())));
            }
        }
    }
}
