package dev.relay.core.handler;

import static org.assertj.core.api.Assertions.assertThat;

import dev.relay.core.RoomRegistry;
import dev.relay.core.codec.FrameCodec;
import dev.relay.core.codec.Framing;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.DefaultChannelId;
import io.netty.channel.embedded.EmbeddedChannel;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class BroadcastHandlerTest {

    private final RoomRegistry rooms = new RoomRegistry();
    private final BroadcastHandler relay = new BroadcastHandler(rooms, "raw");

    private EmbeddedChannel member(Framing framing) {
        FrameCodec codec = new FrameCodec(framing, 64);
        return new EmbeddedChannel(DefaultChannelId.newInstance(), codec.newDecoder(), codec.encoder(), relay);
    }

    /** The next frame written to {@code channel}, once the loop pass's flush task has run. */
    private static <T> T flushed(EmbeddedChannel channel) {
        channel.runPendingTasks();
        return channel.readOutbound();
    }

    @Test
    void aFrameGoesVerbatimToEveryOtherMember() {
        EmbeddedChannel a = member(Framing.LINE);
        EmbeddedChannel b = member(Framing.LINE);
        EmbeddedChannel c = member(Framing.LINE);
        byte[] opaque = {1, 2, (byte) 0xFF, 'x', '\n'};
        a.writeInbound(Unpooled.wrappedBuffer(opaque));

        ByteBuf toB = flushed(b);
        ByteBuf toC = flushed(c);
        assertThat(ByteBufBytes.of(toB)).containsExactly(1, 2, 0xFF - 256, 'x', '\n');
        assertThat(ByteBufBytes.of(toC)).containsExactly(1, 2, 0xFF - 256, 'x', '\n');
        toB.release();
        toC.release();
        assertThat(BroadcastHandlerTest.<Object>flushed(a)).as("no echo to the sender").isNull();
        assertThat(a.finishAndReleaseAll()).isFalse();
        assertThat(b.finishAndReleaseAll()).isFalse();
        assertThat(c.finishAndReleaseAll()).isFalse();
        assertThat(rooms.get("raw")).isNull();
    }

    @Test
    void eachMemberGetsItsOwnFramingAndAnOverLongFrameIsDropped() {
        EmbeddedChannel line = member(Framing.LINE);
        EmbeddedChannel length = member(Framing.LENGTH);
        length.writeInbound(Unpooled.buffer().writeInt(3).writeBytes("abc".getBytes(StandardCharsets.UTF_8)));
        ByteBuf got = flushed(line);
        assertThat(got.toString(StandardCharsets.UTF_8)).isEqualTo("abc\n");
        got.release();

        line.writeInbound(Unpooled.copiedBuffer("x".repeat(100) + "\nhi\n", StandardCharsets.UTF_8));
        got = flushed(length);
        assertThat(got.readInt()).isEqualTo(2);
        assertThat(got.toString(StandardCharsets.UTF_8)).isEqualTo("hi");
        got.release();
        assertThat(BroadcastHandlerTest.<Object>flushed(length)).isNull();
        assertThat(line.isActive()).isTrue();
        assertThat(line.finishAndReleaseAll()).isFalse();
        assertThat(length.finishAndReleaseAll()).isFalse();
    }

    private static final class ByteBufBytes {
        static byte[] of(ByteBuf buf) {
            byte[] bytes = new byte[buf.readableBytes()];
            buf.getBytes(buf.readerIndex(), bytes);
            return bytes;
        }
    }
}
