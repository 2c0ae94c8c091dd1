package dev.relay.core.codec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.TooLongFrameException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class FramingTest {

    /** Records exceptions that reach the end of the pipeline, as a protocol handler would see them. */
    @Sharable
    private static final class Errors extends ChannelInboundHandlerAdapter {
        final List<Throwable> caught = new ArrayList<>();

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            caught.add(cause);
        }
    }

    private final Errors errors = new Errors();

    private EmbeddedChannel decoding(Framing framing, int max) {
        FrameCodec codec = new FrameCodec(framing, max);
        return new EmbeddedChannel(codec.newDecoder(), codec.encoder(), errors);
    }

    private static ByteBuf bytes(String s) {
        return Unpooled.copiedBuffer(s, StandardCharsets.UTF_8);
    }

    private static ByteBuf lengthFrame(String payload) {
        byte[] bytes = payload.getBytes(StandardCharsets.UTF_8);
        return Unpooled.buffer().writeInt(bytes.length).writeBytes(bytes);
    }

    private static List<String> frames(EmbeddedChannel channel) {
        List<String> frames = new ArrayList<>();
        for (ByteBuf frame; (frame = channel.readInbound()) != null; ) {
            frames.add(frame.toString(StandardCharsets.UTF_8));
            frame.release();
        }
        return frames;
    }

    private static byte[] drainOutbound(EmbeddedChannel channel) {
        ByteBuf all = Unpooled.buffer();
        for (ByteBuf out; (out = channel.readOutbound()) != null; ) {
            all.writeBytes(out);
            out.release();
        }
        byte[] result = new byte[all.readableBytes()];
        all.readBytes(result).release();
        return result;
    }

    @Test
    void lineSplitsOnNewlineAndDropsCrBeforeIt() {
        EmbeddedChannel ch = decoding(Framing.LINE, 64);
        ch.writeInbound(bytes("hel"), bytes("lo\nwor"), bytes("ld\r\n\nlast"), bytes("\n"));
        assertThat(frames(ch)).containsExactly("hello", "world", "", "last");
        assertThat(ch.finish()).isFalse();
    }

    @Test
    void lineKeepsALoneCrInsideTheLine() {
        EmbeddedChannel ch = decoding(Framing.LINE, 64);
        ch.writeInbound(bytes("a\rb\n"));
        assertThat(frames(ch)).containsExactly("a\rb");
        assertThat(ch.finish()).isFalse();
    }

    @Test
    void lineOverTheLimitIsDiscardedOnceAndTheNextLineDecodes() {
        EmbeddedChannel ch = decoding(Framing.LINE, 16);
        ch.writeInbound(bytes("x".repeat(40)), bytes("y".repeat(40)), bytes("\nok\n"));
        assertThat(frames(ch)).containsExactly("ok");
        assertThat(errors.caught).hasSize(1).first().isInstanceOf(TooLongFrameException.class);
        ch.writeInbound(bytes("z".repeat(17) + "\nfine\n"));
        assertThat(frames(ch)).containsExactly("fine");
        assertThat(errors.caught).hasSize(2);
        assertThat(ch.finish()).isFalse();
    }

    @Test
    void lineAtExactlyTheLimitPasses() {
        EmbeddedChannel ch = decoding(Framing.LINE, 16);
        ch.writeInbound(bytes("x".repeat(16) + "\n"));
        assertThat(frames(ch)).containsExactly("x".repeat(16));
        assertThat(errors.caught).isEmpty();
        assertThat(ch.finish()).isFalse();
    }

    @Test
    void lengthDecodesFramesSplitIntoSingleBytes() {
        EmbeddedChannel ch = decoding(Framing.LENGTH, 64);
        ByteBuf stream = Unpooled.buffer().writeBytes(lengthFrame("héllo")).writeBytes(lengthFrame(""))
                .writeBytes(lengthFrame("a\nb"));
        while (stream.isReadable()) {
            ch.writeInbound(stream.readRetainedSlice(1));
        }
        stream.release();
        assertThat(frames(ch)).containsExactly("héllo", "", "a\nb");
        assertThat(ch.finish()).isFalse();
    }

    @Test
    void lengthOverTheLimitIsSkippedAndTheStreamResyncs() {
        EmbeddedChannel ch = decoding(Framing.LENGTH, 16);
        ch.writeInbound(lengthFrame("x".repeat(100)).writeBytes(lengthFrame("ok")));
        assertThat(frames(ch)).containsExactly("ok");
        assertThat(errors.caught).hasSize(1).first().isInstanceOf(TooLongFrameException.class);
        assertThat(ch.finish()).isFalse();
    }

    @Test
    void lengthPrefixIsUnsigned() {
        EmbeddedChannel ch = decoding(Framing.LENGTH, 16);
        ch.writeInbound(Unpooled.buffer().writeInt(0xFFFF_FFF0).writeBytes(new byte[8]));
        assertThat(frames(ch)).isEmpty();
        assertThat(errors.caught).hasSize(1).first().isInstanceOf(TooLongFrameException.class);
        assertThat(ch.finish()).isFalse();
    }

    @Test
    void encoderFramesTextAsUtf8AndPassesBuffersThrough() {
        EmbeddedChannel line = decoding(Framing.LINE, 64);
        line.writeOutbound("hé ✓");
        assertThat(drainOutbound(line)).isEqualTo("hé ✓\n".getBytes(StandardCharsets.UTF_8));
        line.writeOutbound(bytes("raw"));
        assertThat(drainOutbound(line)).isEqualTo("raw".getBytes(StandardCharsets.UTF_8));
        assertThat(line.finish()).isFalse();

        EmbeddedChannel length = decoding(Framing.LENGTH, 64);
        length.writeOutbound("hé");
        assertThat(drainOutbound(length)).containsExactly(0, 0, 0, 3, 'h', 0xC3 - 256, 0xA9 - 256);
        assertThat(length.finish()).isFalse();
    }

    @Test
    void encodeOfAPayloadCopiesItIntoOneFrame() {
        ByteBuf payload = bytes("abc");
        ByteBuf line = Framing.LINE.encode(ByteBufAllocator.DEFAULT, payload);
        ByteBuf length = Framing.LENGTH.encode(ByteBufAllocator.DEFAULT, payload);
        assertThat(line.toString(StandardCharsets.UTF_8)).isEqualTo("abc\n");
        assertThat(length.readInt()).isEqualTo(3);
        assertThat(length.toString(StandardCharsets.UTF_8)).isEqualTo("abc");
        assertThat(payload.readableBytes()).isEqualTo(3);
        line.release();
        length.release();
        payload.release();
    }

    @Test
    void installingTheEncoderRecordsTheCodecOnTheChannel() {
        FrameCodec codec = new FrameCodec(Framing.LENGTH, 100);
        EmbeddedChannel ch = new EmbeddedChannel(codec.newDecoder(), codec.encoder());
        assertThat(FrameCodec.of(ch)).isSameAs(codec);
        assertThat(ch.finish()).isFalse();
    }

    @Test
    void limitsAndNamesAreValidated() {
        assertThatThrownBy(() -> new FrameCodec(Framing.LINE, 0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new FrameCodec(Framing.LENGTH, Integer.MAX_VALUE))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(Framing.parse(" Length ")).isEqualTo(Framing.LENGTH);
        assertThat(new FrameCodec(Framing.LINE).maxFrameLength()).isEqualTo(8192);
        assertThat(new FrameCodec(Framing.LENGTH).maxFrameLength()).isEqualTo(1 << 20);
        assertThatThrownBy(() -> Framing.parse("xml")).hasMessageContaining("line or length");
        assertThatThrownBy(() -> Framing.parse("websocket")).as("not a stream framing")
                .hasMessageContaining("line or length");
        assertThat(new FrameCodec(Framing.WEBSOCKET).maxFrameLength()).isEqualTo(8192);
        assertThatThrownBy(() -> Framing.WEBSOCKET.newDecoder(100)).isInstanceOf(UnsupportedOperationException.class);
    }

    /** RFC 6455 section 5.2: FIN + text, no mask, and the shortest of the three length forms. */
    @Test
    void aWebSocketFrameIsOneUnmaskedTextFrameWithTheShortestLength() {
        int[][] cases = {{0, 2}, {125, 2}, {126, 4}, {65535, 4}, {65536, 10}};
        for (int[] c : cases) {
            int length = c[0];
            String text = "é".repeat(length / 2) + "x".repeat(length % 2); // UTF-8 bytes, not chars, count
            ByteBuf fromText = Framing.WEBSOCKET.encode(ByteBufAllocator.DEFAULT, text);
            ByteBuf payload = Unpooled.copiedBuffer(text, StandardCharsets.UTF_8);
            ByteBuf fromBytes = Framing.WEBSOCKET.encode(ByteBufAllocator.DEFAULT, payload);
            try {
                assertThat(fromText).isEqualTo(fromBytes);
                assertThat(fromText.readableBytes()).as("%d bytes", length).isEqualTo(c[1] + length);
                assertThat((int) fromText.getUnsignedByte(0)).isEqualTo(0x81);
                int second = fromText.getUnsignedByte(1);
                assertThat(second & 0x80).as("a server never masks").isZero();
                long announced = c[1] == 2 ? second : c[1] == 4 ? fromText.getUnsignedShort(2) : fromText.getLong(2);
                assertThat(announced).isEqualTo(length);
                assertThat(second).isEqualTo(c[1] == 2 ? length : c[1] == 4 ? 126 : 127);
                assertThat(fromText.toString(c[1], length, StandardCharsets.UTF_8)).isEqualTo(text);
            } finally {
                fromText.release();
                fromBytes.release();
                payload.release();
            }
        }
    }
}
