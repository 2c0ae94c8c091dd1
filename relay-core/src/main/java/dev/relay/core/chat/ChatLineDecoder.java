package dev.relay.core.chat;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import java.nio.charset.StandardCharsets;
import org.jspecify.annotations.Nullable;

/**
 * The line decoder: turns each frame payload (a {@link ByteBuf}, from any framing) into a protocol line.
 * The bytes are read as UTF-8, each invalid sequence becoming U+FFFD, and the text is made safe by the
 * {@link TextSanitizer}; the result is passed on as a {@link String}. A line that is already clean (valid
 * UTF-8, nothing to sanitize, not blank, not a command) is passed on as a {@link CleanLine} holding the
 * same bytes instead: the chat fast path relays it without making a string.
 *
 * <p>Place it right before the protocol handler ({@link ChatHandler}), after the read gate, which holds
 * frames as the bytes they arrived as. Anything that is not a {@link ByteBuf} passes through.
 *
 * <p>Stateless and {@link Sharable}: use {@link #INSTANCE}.
 */
@Sharable
public final class ChatLineDecoder extends ChannelInboundHandlerAdapter {

    public static final ChatLineDecoder INSTANCE = new ChatLineDecoder();

    private ChatLineDecoder() {
    }

    /**
     * The protocol line a message after this decoder carries ({@link String} or {@link CleanLine}), or
     * {@code null} for anything else; does not release it. For handlers an app puts between this decoder
     * and the chat handler (a bot that watches what is said).
     */
    public static @Nullable String textOf(Object msg) {
        if (msg instanceof String line) {
            return line;
        }
        return msg instanceof CleanLine clean ? clean.text() : null;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof ByteBuf frame)) {
            ctx.fireChannelRead(msg);
            return;
        }
        if (frame.isReadable() && frame.getByte(frame.readerIndex()) != '/') {
            if (CleanText.classify(frame) == CleanText.CLEAN) {
                ctx.fireChannelRead(new CleanLine(frame));
                return;
            }
        }
        String line;
        try {
            line = TextSanitizer.clean(frame.toString(StandardCharsets.UTF_8));
        } finally {
            frame.release();
        }
        ctx.fireChannelRead(line);
    }
}
