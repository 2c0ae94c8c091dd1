package dev.relay.core.handler;

import static org.assertj.core.api.Assertions.assertThat;

import dev.relay.core.codec.FrameCodec;
import dev.relay.core.codec.Framing;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.DefaultChannelId;
import io.netty.channel.embedded.EmbeddedChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class LimitHandlersTest {

    private final FrameCodec codec = new FrameCodec(Framing.LINE, 100);
    private long now = 1_000_000_000L;

    private static List<String> drain(EmbeddedChannel channel, boolean inbound) {
        List<String> out = new ArrayList<>();
        for (ByteBuf buf; (buf = inbound ? channel.readInbound() : channel.readOutbound()) != null; ) {
            out.add(buf.toString(StandardCharsets.UTF_8).strip());
            buf.release();
        }
        return out;
    }

    private static void send(EmbeddedChannel channel, int lines) {
        for (int i = 0; i < lines; i++) {
            channel.writeInbound(Unpooled.copiedBuffer("line " + i + "\n", StandardCharsets.UTF_8));
        }
    }

    @Test
    void theTokenBucketPassesTheBurstThenTheRateAndWarnsOncePerFlood() {
        RateLimitHandler limit = new RateLimitHandler(10, 5, () -> now);
        EmbeddedChannel channel = new EmbeddedChannel(codec.newDecoder(), codec.encoder(), limit);
        send(channel, 8);
        assertThat(drain(channel, true)).hasSize(5);
        assertThat(drain(channel, false)).singleElement().asString().startsWith("ERR rate-limited ");
        assertThat(limit.dropped()).isEqualTo(3);

        now += TimeUnit.MILLISECONDS.toNanos(300); // 3 tokens at 10 a second
        send(channel, 4);
        assertThat(drain(channel, true)).containsExactly("line 0", "line 1", "line 2");
        assertThat(drain(channel, false)).as("300 ms after the last drop: the same flood").isEmpty();

        now += TimeUnit.SECONDS.toNanos(60); // the bucket refills to the burst, no further
        send(channel, 7);
        assertThat(drain(channel, true)).hasSize(5);
        assertThat(channel.finish()).as("a new flood, a new warning").isTrue();
        assertThat(drain(channel, false)).singleElement().asString().startsWith("ERR rate-limited ");
    }

    @Test
    void aSteadyFloodIsWarnedOnceAndOnlyAQuietSecondEndsIt() {
        RateLimitHandler limit = new RateLimitHandler(10, 5, () -> now);
        EmbeddedChannel channel = new EmbeddedChannel(codec.newDecoder(), codec.encoder(), limit);
        int passed = 0;
        for (int tick = 0; tick < 1000; tick++) { // 100 lines a second for 10 s: ten times the rate
            send(channel, 1);
            passed += drain(channel, true).size();
            now += TimeUnit.MILLISECONDS.toNanos(10);
        }
        assertThat(passed).as("the burst, then the rate").isBetween(104, 106);
        assertThat(drain(channel, false)).as("one warning for the whole flood")
                .singleElement().asString().startsWith("ERR rate-limited ");

        now += TimeUnit.MILLISECONDS.toNanos(900); // a pause, but under a second since the last drop
        send(channel, 20);
        assertThat(drain(channel, true)).as("the bucket is full again").hasSize(5);
        assertThat(drain(channel, false)).as("still the same flood").isEmpty();

        now += TimeUnit.MILLISECONDS.toNanos(1500); // a quiet second and more: the flood is over
        send(channel, 30);
        assertThat(drain(channel, true)).hasSize(5);
        assertThat(drain(channel, false)).as("a new flood, a new warning")
                .singleElement().asString().startsWith("ERR rate-limited ");
        assertThat(limit.dropped()).isEqualTo(1000 - passed + 15 + 25);
        assertThat(channel.finish()).isFalse();
    }

    @Test
    void connectionsOverTheCapAreMarkedOnTheListeningChannelAndFreeTheirSlotOnClose() {
        ConnectionLimitHandler limit = new ConnectionLimitHandler(2, 0);
        EmbeddedChannel listening = new EmbeddedChannel(limit);
        EmbeddedChannel a = accept(listening);
        EmbeddedChannel b = accept(listening);
        EmbeddedChannel c = accept(listening);
        assertThat(limit.connections()).isEqualTo(2);
        assertThat(ConnectionLimitHandler.refusal(a)).isNull();
        assertThat(ConnectionLimitHandler.refusal(b)).isNull();
        assertThat(ConnectionLimitHandler.refusal(c))
                .isEqualTo("The server has its maximum of 2 connections; try again later");
        assertThat(c.isOpen()).as("told in its own terms once its kind is known, not here").isTrue();
        a.close();
        assertThat(limit.connections()).isEqualTo(1);
        EmbeddedChannel d = accept(listening);
        assertThat(ConnectionLimitHandler.refusal(d)).isNull();
        assertThat(limit.connections()).isEqualTo(2);
        c.close();
        assertThat(limit.connections()).as("a refused connection was never counted").isEqualTo(2);
        for (EmbeddedChannel channel : List.of(a, b, c, d, listening)) {
            channel.finishAndReleaseAll();
        }
    }

    @Test
    void aRefusedLineClientGetsOneErrLineAndIsClosed() {
        EmbeddedChannel refused = new EmbeddedChannel(DefaultChannelId.newInstance(), codec.newDecoder(), codec.encoder());
        ConnectionLimitHandler.refuse(refused, "Your address has the maximum of 1 connections", Duration.ofSeconds(2));
        assertThat(drain(refused, false)).containsExactly(
                "ERR too-many-connections Your address has the maximum of 1 connections");
        assertThat(refused.isOpen()).isFalse();
        refused.finishAndReleaseAll();
    }

    @Test
    void aFloodOfRefusedConnectionsIsClosedWithoutAWord() {
        ConnectionLimitHandler limit = new ConnectionLimitHandler(1, 0);
        EmbeddedChannel listening = new EmbeddedChannel(limit);
        EmbeddedChannel counted = accept(listening);
        EmbeddedChannel waiting = accept(listening); // refused, waiting to be told: one may (the cap is 1)
        EmbeddedChannel flood = accept(listening);
        assertThat(waiting.isOpen()).isTrue();
        assertThat(flood.isOpen()).isFalse();
        waiting.close();
        EmbeddedChannel next = accept(listening);
        assertThat(next.isOpen()).as("the refusals waiting went down as the first closed").isTrue();
        for (EmbeddedChannel channel : List.of(counted, waiting, flood, next, listening)) {
            channel.finishAndReleaseAll();
        }
    }

    /** A child channel accepted on {@code listening}: read by the listening channel's pipeline, as an acceptor does. */
    private static EmbeddedChannel accept(EmbeddedChannel listening) {
        EmbeddedChannel child = new EmbeddedChannel(DefaultChannelId.newInstance());
        listening.writeInbound(child);
        Object passedOn = listening.readInbound();
        assertThat(passedOn).as("passed on to be registered, unless closed at once")
                .isEqualTo(child.isOpen() ? child : null);
        return child;
    }
}
