package dev.relay.client;

import dev.relay.core.codec.Framing;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import java.nio.charset.StandardCharsets;
import org.jspecify.annotations.Nullable;

/**
 * The head of a client pipeline: looks at the first bytes the server sends and, if they cannot be the
 * configured framing, fails the connection at once with a {@link RelayClientException} that names the
 * framing to use. Without it a mismatch shows only as a missing welcome after the connect timeout: a
 * line server's {@code WELCOME} read as a 4-byte length is a frame of over a gigabyte, and a length
 * server's frames never end in {@code \n}.
 *
 * <p>The guess needs one byte. Every server line starts with its kind, printable ASCII, so a line
 * server's first byte is printable; a length server's first frame (a welcome or an error) is shorter
 * than 16 MiB, so its first byte, the length's highest, is 0x00. Once it has seen a byte that fits,
 * the handler removes itself and passes the bytes on untouched.
 */
final class FramingCheck extends ChannelInboundHandlerAdapter {

    static final String NAME = "framingCheck";

    /** How much of what the server sent a mismatch message quotes. */
    private static final int QUOTED = 40;

    private final Framing framing;

    FramingCheck(Framing framing) {
        this.framing = framing;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof ByteBuf bytes) || !bytes.isReadable()) {
            ctx.fireChannelRead(msg);
            return;
        }
        String mismatch = mismatch(framing, bytes);
        ctx.pipeline().remove(this);
        if (mismatch == null) {
            ctx.fireChannelRead(msg);
            return;
        }
        bytes.release();
        ctx.fireExceptionCaught(new RelayClientException(mismatch));
        ctx.close();
    }

    /** Why {@code first}, the first bytes a server sent, cannot be {@code framing}; {@code null} if they can. */
    static @Nullable String mismatch(Framing framing, ByteBuf first) {
        int start = first.readerIndex();
        int head = first.getUnsignedByte(start);
        if (framing == Framing.LENGTH && head >= 0x20 && head < 0x7f) {
            return "the server speaks line framing, not length (it sent '" + quote(first, start, first.writerIndex())
                    + "'); use --framing line";
        }
        if (framing == Framing.LINE && head == 0) {
            String payload = "";
            if (first.readableBytes() > 4) {
                long length = first.getUnsignedInt(start);
                int end = (int) Math.min(first.writerIndex(), start + 4 + length);
                payload = ", then '" + quote(first, start + 4, end) + "'";
            }
            return "the server speaks length framing, not line (it sent a 4-byte length" + payload
                    + "); use --framing length";
        }
        return null;
    }

    /**
     * The text from {@code index} to {@code end} or its first line break, shortened to about {@link #QUOTED}
     * characters, controls made visible.
     */
    private static String quote(ByteBuf bytes, int index, int end) {
        int newline = bytes.indexOf(index, end, (byte) '\n');
        String text = bytes.toString(index, (newline < 0 ? end : newline) - index, StandardCharsets.UTF_8);
        StringBuilder quoted = new StringBuilder();
        text.codePoints().limit(QUOTED).forEach(c -> quoted.appendCodePoint(c < 0x20 || c == 0x7f ? '?' : c));
        if (text.codePointCount(0, text.length()) > QUOTED) {
            int cut = quoted.lastIndexOf(" ");
            quoted.setLength(cut > 0 ? cut : quoted.length());
            quoted.append(" ...");
        }
        return quoted.toString();
    }
}
