package dev.relay.core.chat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.DefaultByteBufHolder;

/**
 * A protocol line that is known to be clean: valid UTF-8 that the {@link TextSanitizer} would leave as
 * it is, not blank, and not a command (it does not start with {@code /}). The {@link ChatLineDecoder}
 * passes such a line on as its bytes, so that the chat handler can relay it to a room by copying bytes,
 * with no string made; {@link #text()} gives the same line as a string.
 *
 * <p>Owns its content: whoever reads it releases it once. Not thread-safe, like the buffer it holds.
 */
public final class CleanLine extends DefaultByteBufHolder {

    CleanLine(ByteBuf content) {
        super(content);
    }

    /** The line as text (decodes the bytes; does not release them). */
    public String text() {
        return content().toString(java.nio.charset.StandardCharsets.UTF_8);
    }

    @Override
    public CleanLine replace(ByteBuf content) {
        return new CleanLine(content);
    }

    @Override
    public String toString() {
        return "CleanLine(" + content().readableBytes() + " bytes)";
    }
}
