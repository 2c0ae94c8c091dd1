package dev.relay.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class WireTest {

    /** Collects what a parser finds, decoding each payload's header. */
    private static final class Collected implements Wire.Sink {
        final List<String> messages = new ArrayList<>();
        final List<String> controls = new ArrayList<>();

        @Override
        public void message(ByteBuf in, int start, int length) {
            if (length < Payload.HEADER) {
                messages.add("short/" + length);
                return;
            }
            messages.add(Payload.stamp(in, start) + "/" + Payload.publisher(in, start) + "/" + Payload.seq(in, start)
                    + "/" + length);
        }

        @Override
        public void control(String line) {
            controls.add(line);
        }
    }

    private static ByteBuf ascii(String text) {
        return Unpooled.copiedBuffer(text, StandardCharsets.US_ASCII);
    }

    private static String payload(long stamp, int publisher, long seq, int size) {
        ByteBuf buf = Unpooled.buffer();
        Payload.write(buf, size, stamp, publisher, seq);
        String text = buf.toString(StandardCharsets.US_ASCII);
        buf.release();
        return text;
    }

    @Test
    void aPayloadCarriesItsStampPublisherAndSequenceInPrintableHex() {
        String text = payload(0x1234_5678_9abcL, 65535, 0xfff_ffff_ffffL, 40);
        assertThat(text).hasSize(40).matches("[0-9a-f]{32}x{8}");
        ByteBuf buf = ascii(text);
        assertThat(Payload.stamp(buf, 0)).isEqualTo(0x1234_5678_9abcL);
        assertThat(Payload.publisher(buf, 0)).isEqualTo(65535);
        assertThat(Payload.seq(buf, 0)).isEqualTo(0xfff_ffff_ffffL);
        buf.release();
    }

    @Test
    void relayLinesAreParsedInPlaceAcrossReadsAndOtherLinesAreControl() {
        for (int expectedSize : new int[] {50, 64}) { // the bench's size (fast path), or not (scanned)
            Wire wire = Wire.relayLines(expectedSize, false);
            String line = "MSG bench0 guest7 " + payload(99, 3, 41, 50) + "\n";
            ByteBuf in = ascii("WELCOME guest7 lobby hi\r\n" + line + line.substring(0, 20));
            Collected got = new Collected();
            wire.parse(in, got);
            assertThat(got.controls).containsExactly("WELCOME guest7 lobby hi");
            assertThat(got.messages).containsExactly("99/3/41/50");
            assertThat(in.readableBytes()).as("the partial line waits").isEqualTo(20);
            in.writeCharSequence(line.substring(20) + "MSG bench0 guest7 x\nPONG ready\n", StandardCharsets.US_ASCII);
            wire.parse(in, got);
            assertThat(got.messages).containsExactly("99/3/41/50", "99/3/41/50", "short/1");
            assertThat(got.controls).last().matches(wire::isReady);
            in.release();
        }
    }

    @Test
    void hexIsDecodedEightDigitsAtATime() {
        ByteBuf in = ascii("0123456789abcdef");
        assertThat(Payload.hex8(in, 0)).isEqualTo(0x01234567L);
        assertThat(Payload.hex8(in, 8)).isEqualTo(0x89abcdefL);
        assertThat(Payload.hex8(in, 4)).isEqualTo(0x456789abL);
        in.release();
    }

    @Test
    void relayLengthFramesAreParsedAndWrittenWithTheirPrefix() {
        Wire wire = Wire.relayLength(false);
        ByteBuf out = Unpooled.buffer();
        wire.writePublish(out, "bench0", 64, 5, 1, 2);
        assertThat(out.readableBytes()).isEqualTo(wire.publishSize("bench0", 64)).isEqualTo(68);
        assertThat(out.getInt(0)).isEqualTo(64);
        out.release();

        byte[] msg = ("MSG bench0 bob " + payload(5, 1, 2, 64)).getBytes(StandardCharsets.US_ASCII);
        byte[] err = "ERR rate-limited slow down".getBytes(StandardCharsets.US_ASCII);
        ByteBuf in = Unpooled.buffer().writeInt(msg.length).writeBytes(msg).writeInt(err.length).writeBytes(err)
                .writeInt(msg.length).writeBytes(msg, 0, 10);
        Collected got = new Collected();
        wire.parse(in, got);
        assertThat(got.messages).containsExactly("5/1/2/64");
        assertThat(got.controls).containsExactly("ERR rate-limited slow down");
        assertThat(wire.isProblem(got.controls.get(0))).isTrue();
        assertThat(in.readableBytes()).isEqualTo(14);
        in.release();
    }

    /** A 100-byte publish to bench0 starts with {@code head}, ends the payload line, and is as long as said; returns it. */
    private static ByteBuf assertPublish(Wire wire, String head) {
        ByteBuf out = Unpooled.buffer();
        wire.writePublish(out, "bench0", 100, 7, 2, 9);
        assertThat(out.toString(StandardCharsets.US_ASCII)).startsWith(head).endsWith("x\r\n");
        assertThat(out.readableBytes()).isEqualTo(wire.publishSize("bench0", 100));
        return out;
    }

    @Test
    void natsMessagesWaitForTheirWholePayloadAndPingsAreAnswered() {
        Wire wire = Wire.nats();
        assertPublish(wire, "PUB bench0 100\r\n").release();

        String body = payload(7, 2, 9, 100);
        String stream = "INFO {\"server_id\":\"x\"}\r\nMSG bench0 1 100\r\n" + body + "\r\nPING\r\nMSG bench0 1 100\r\n"
                + body + "\r\n";
        ByteBuf in = ascii(stream.substring(0, stream.length() - 30));
        Collected got = new Collected();
        wire.parse(in, got);
        assertThat(got.messages).containsExactly("7/2/9/100");
        assertThat(got.controls).containsExactly("INFO {\"server_id\":\"x\"}", "PING");
        assertThat(wire.reply("PING")).isEqualTo("PONG\r\n");
        in.writeCharSequence(stream.substring(stream.length() - 30), StandardCharsets.US_ASCII);
        wire.parse(in, got);
        assertThat(got.messages).hasSize(2);
        assertThat(in.isReadable()).isFalse();
        assertThat(wire.isProblem("-ERR 'Slow Consumer'")).isTrue();
        in.release();
    }

    @Test
    void redisPushesAreParsedWhereverTheStreamIsCutAndPublishRepliesAreSkipped() {
        Wire wire = Wire.redis();
        ByteBuf out = assertPublish(wire, "*3\r\n$7\r\nPUBLISH\r\n$6\r\nbench0\r\n$100\r\n");
        out.clear();
        wire.writeHandshake(out, "bench0", true);
        assertThat(out.toString(StandardCharsets.US_ASCII))
                .isEqualTo("*2\r\n$9\r\nSUBSCRIBE\r\n$6\r\nbench0\r\n*1\r\n$4\r\nPING\r\n");
        out.clear();
        wire.writeHandshake(out, "bench0", false);
        assertThat(out.toString(StandardCharsets.US_ASCII)).isEqualTo("*1\r\n$4\r\nPING\r\n");
        out.release();

        String body = payload(7, 2, 9, 100);
        String message = "*3\r\n$7\r\nmessage\r\n$6\r\nbench0\r\n$100\r\n" + body + "\r\n";
        String stream = "*3\r\n$9\r\nsubscribe\r\n$6\r\nbench0\r\n:1\r\n*2\r\n$4\r\npong\r\n$0\r\n\r\n"
                + message + ":100\r\n+PONG\r\n" + message + "-ERR unknown command 'x'\r\n";
        for (int cut = 0; cut <= stream.length(); cut++) {
            ByteBuf in = ascii(stream.substring(0, cut));
            Collected got = new Collected();
            wire.parse(in, got);
            in.writeCharSequence(stream.substring(cut), StandardCharsets.US_ASCII);
            wire.parse(in, got);
            assertThat(got.messages).as("cut at %d", cut).containsExactly("7/2/9/100", "7/2/9/100");
            assertThat(got.controls).as("cut at %d", cut)
                    .containsExactly("subscribe bench0 1", "pong ", "PONG", "-ERR unknown command 'x'");
            assertThat(in.isReadable()).isFalse();
            in.release();
        }
        assertThat(wire.isReady("pong ")).isTrue();
        assertThat(wire.isReady("PONG")).isTrue();
        assertThat(wire.isProblem("-ERR unknown command 'x'")).isTrue();
        assertThat(wire.publishersHearEachOther()).isFalse();
    }

    @Test
    void relayConnectionsArriveWithTheArrivalLineOrAsGuestsThatJoin() {
        ByteBuf out = Unpooled.buffer();
        Wire.relayLines(100, false).writeHandshake(out, "bench3", true);
        assertThat(out.toString(StandardCharsets.US_ASCII)).isEqualTo("/hello rooms=bench3\n/ping ready\n");
        out.clear();
        Wire.relayLines(100, true).writeHandshake(out, "bench3", true);
        assertThat(out.toString(StandardCharsets.US_ASCII)).isEqualTo("/join bench3\n/ping ready\n");
        out.clear();
        Wire.relayLength(true).writeHandshake(out, "bench3", false);
        assertThat(out.readInt()).isEqualTo(12);
        assertThat(out.readCharSequence(12, StandardCharsets.US_ASCII).toString()).isEqualTo("/join bench3");
        out.release();
    }
}
