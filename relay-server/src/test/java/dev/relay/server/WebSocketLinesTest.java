package dev.relay.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.relay.core.CloseReason;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.ContinuationWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PongWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** WebSocket frames to protocol lines and back, control frames and close reasons, on an EmbeddedChannel. */
class WebSocketLinesTest {

    private static EmbeddedChannel channel(Duration pings, int maxMessage) {
        EmbeddedChannel channel = new EmbeddedChannel(new WebSocketLines(pings, maxMessage));
        channel.freezeTime();
        return channel;
    }

    private static String readText(EmbeddedChannel channel) {
        ByteBuf line = channel.readInbound();
        try {
            return line.toString(StandardCharsets.UTF_8);
        } finally {
            line.release();
        }
    }

    @Test
    void aTextMessageIsOneLineAndFragmentsAreJoined() {
        EmbeddedChannel channel = channel(Duration.ZERO, 100);
        channel.writeInbound(new TextWebSocketFrame("hello"));
        assertThat(readText(channel)).isEqualTo("hello");
        channel.writeInbound(new TextWebSocketFrame(false, 0, "in "), new ContinuationWebSocketFrame(false, 0, "three "),
                new ContinuationWebSocketFrame(true, 0, "parts"));
        assertThat(readText(channel)).isEqualTo("in three parts");
        assertThat((Object) channel.readInbound()).isNull();
        assertThat((Object) channel.readOutbound()).isNull();
        channel.finishAndReleaseAll();
    }

    @Test
    void aMessageOverTheLimitInFragmentsClosesWith1009() {
        EmbeddedChannel channel = channel(Duration.ZERO, 10);
        channel.writeInbound(new TextWebSocketFrame(false, 0, "123456"), new ContinuationWebSocketFrame(false, 0, "7890X"));
        CloseWebSocketFrame close = channel.readOutbound();
        assertThat(close.statusCode()).isEqualTo(1009);
        assertThat(close.reasonText()).isEqualTo("message over 10 bytes");
        close.release();
        assertThat(channel.isOpen()).isFalse();
        assertThat(CloseReason.of(channel).kind()).isEqualTo(CloseReason.Kind.TOO_BIG);
        assertThat((Object) channel.readInbound()).isNull();
        channel.finishAndReleaseAll();
    }

    @Test
    void pingsAreAnsweredBinaryIsRefusedAndAClientsCloseIsEchoed() {
        EmbeddedChannel pinged = channel(Duration.ZERO, 100);
        pinged.writeInbound(new PingWebSocketFrame(Unpooled.copiedBuffer("p1", StandardCharsets.US_ASCII)));
        PongWebSocketFrame pong = pinged.readOutbound();
        assertThat(pong.content().toString(StandardCharsets.US_ASCII)).isEqualTo("p1");
        pong.release();
        pinged.writeInbound(new CloseWebSocketFrame(1000, "bye"));
        CloseWebSocketFrame echo = pinged.readOutbound();
        assertThat(echo.statusCode()).isEqualTo(1000);
        echo.release();
        assertThat(pinged.isOpen()).isFalse();
        pinged.finishAndReleaseAll();

        EmbeddedChannel binary = channel(Duration.ZERO, 100);
        binary.writeInbound(new BinaryWebSocketFrame(Unpooled.wrappedBuffer(new byte[] {1, 2})));
        CloseWebSocketFrame refused = binary.readOutbound();
        assertThat(refused.statusCode()).isEqualTo(1003);
        refused.release();
        binary.finishAndReleaseAll();
    }

    @Test
    void aClientSilentForAWholePingIntervalIsClosedWith1008() {
        EmbeddedChannel channel = channel(Duration.ofSeconds(30), 100);
        channel.advanceTimeBy(30, TimeUnit.SECONDS);
        channel.runScheduledPendingTasks();
        PingWebSocketFrame ping = channel.readOutbound();
        assertThat(ping).isNotNull();
        ping.release();
        channel.writeInbound(new PongWebSocketFrame());
        channel.advanceTimeBy(30, TimeUnit.SECONDS);
        channel.runScheduledPendingTasks();
        PingWebSocketFrame again = channel.readOutbound();
        assertThat(again).as("answered: pinged again, not closed").isNotNull();
        again.release();
        assertThat(channel.isOpen()).isTrue();
        channel.advanceTimeBy(30, TimeUnit.SECONDS);
        channel.runScheduledPendingTasks();
        CloseWebSocketFrame close = channel.readOutbound();
        assertThat(close.statusCode()).isEqualTo(1008);
        assertThat(close.reasonText()).isEqualTo("no answer to a ping for 30 s");
        close.release();
        assertThat(channel.isOpen()).isFalse();
        channel.finishAndReleaseAll();
    }

    @Test
    void closingSaysTheReasonInTheCloseFrameCutToFit() {
        EmbeddedChannel channel = channel(Duration.ZERO, 100);
        CloseReason.set(channel, CloseReason.Kind.POLICY, "é".repeat(100));
        channel.close();
        CloseWebSocketFrame close = channel.readOutbound();
        assertThat(close.statusCode()).isEqualTo(1008);
        assertThat(close.reasonText().getBytes(StandardCharsets.UTF_8).length)
                .isLessThanOrEqualTo(WebSocketLines.MAX_CLOSE_REASON_BYTES);
        assertThat(close.reasonText()).startsWith("éé").endsWith("...");
        close.release();
        assertThat(WebSocketLines.truncate("short")).isEqualTo("short");
        channel.finishAndReleaseAll();
    }

    /** A WebSocket client's unfinished frame and message count against the memory budget, as a partial line does. */
    @Test
    void whatAnUnfinishedFrameOrMessageHoldsIsCounted() {
        CountedWebSocketDecoder decoder = new CountedWebSocketDecoder(
                io.netty.handler.codec.http.websocketx.WebSocketDecoderConfig.newBuilder().maxFramePayloadLength(100).build());
        WebSocketLines lines = new WebSocketLines(Duration.ZERO, 100);
        EmbeddedChannel channel = new EmbeddedChannel(decoder, lines);
        // a masked text frame announcing 50 bytes, of which 2-byte header, 4-byte mask and 10 bytes came
        byte[] start = new byte[16];
        start[0] = (byte) 0x81;
        start[1] = (byte) (0x80 | 50);
        channel.writeInbound(Unpooled.wrappedBuffer(start));
        assertThat(decoder.heldInboundBytes()).isPositive().isLessThanOrEqualTo(16);
        assertThat(lines.heldInboundBytes()).isZero();
        channel.pipeline().fireChannelRead(new TextWebSocketFrame(false, 0, "first part"));
        assertThat(lines.heldInboundBytes()).as("a fragment waiting for the rest of its message").isEqualTo(10);
        channel.finishAndReleaseAll();
    }
}
