package dev.relay.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.relay.core.codec.Framing;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The first bytes of a server decide whether its framing can be the configured one. */
class FramingCheckTest {

    private static ByteBuf text(String text) {
        return Unpooled.copiedBuffer(text, StandardCharsets.UTF_8);
    }

    private static ByteBuf lengthFramed(String text) {
        byte[] payload = text.getBytes(StandardCharsets.UTF_8);
        return Unpooled.buffer().writeInt(payload.length).writeBytes(payload);
    }

    @Test
    void aMatchingFirstByteIsPassedOnAndTheCheckRemovesItself() {
        for (Framing framing : Framing.values()) {
            EmbeddedChannel channel = new EmbeddedChannel(new FramingCheck(framing));
            ByteBuf first = framing == Framing.LINE ? text("WELCOME alice lobby Hi\n") : lengthFramed("WELCOME alice lobby Hi");
            channel.writeInbound(first.retainedDuplicate());
            ByteBuf passed = channel.readInbound();
            assertThat(passed).as("%s: passed on untouched", framing).isEqualTo(first);
            passed.release();
            first.release();
            assertThat(channel.pipeline().get(FramingCheck.class)).as("%s: removed after the first bytes", framing).isNull();
            assertThat(channel.isOpen()).isTrue();
            assertThat(channel.finish()).isFalse();
        }
    }

    @Test
    void aPrintableFirstByteWithLengthFramingIsALineServer() {
        EmbeddedChannel channel = new EmbeddedChannel(new FramingCheck(Framing.LENGTH));
        assertThatThrownBy(() -> channel.writeInbound(text("WELCOME guest1 lobby Hi guest1, you are in #lobby\nSERVER x\n")))
                .isInstanceOf(RelayClientException.class)
                .hasMessage("the server speaks line framing, not length (it sent 'WELCOME guest1 lobby Hi guest1, you are ...');"
                        + " use --framing line");
        assertThat(channel.isOpen()).as("closed at once").isFalse();
        assertThat(channel.inboundMessages()).as("nothing passed on (and the bytes released)").isEmpty();
    }

    @Test
    void aZeroFirstByteWithLineFramingIsALengthServer() {
        EmbeddedChannel channel = new EmbeddedChannel(new FramingCheck(Framing.LINE));
        ByteBuf frames = lengthFramed("ERR too-long A line is longer than the limit").writeBytes(lengthFramed("WELCOME x"));
        assertThatThrownBy(() -> channel.writeInbound(frames)).isInstanceOf(RelayClientException.class)
                .hasMessage("the server speaks length framing, not line (it sent a 4-byte length, then"
                        + " 'ERR too-long A line is longer than the ...'); use --framing length");
        assertThat(channel.isOpen()).isFalse();
    }

    @Test
    void aShortFrameIsQuotedToItsEndOnly() {
        ByteBuf frames = lengthFramed("PONG").writeBytes(lengthFramed("WELCOME x"));
        assertThat(FramingCheck.mismatch(Framing.LINE, frames)).contains("then 'PONG');");
        frames.release();
        ByteBuf lengthOnly = Unpooled.buffer().writeInt(7);
        assertThat(FramingCheck.mismatch(Framing.LINE, lengthOnly))
                .isEqualTo("the server speaks length framing, not line (it sent a 4-byte length); use --framing length");
        lengthOnly.release();
    }
}
