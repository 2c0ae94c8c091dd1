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
    void connectionsOverTheCapAreToldAndClosedAndFreeTheirSlotOnClose() {
        ConnectionLimitHandler limit = new ConnectionLimitHandler(2, 0);
        EmbeddedChannel a = new EmbeddedChannel(DefaultChannelId.newInstance(), codec.newDecoder(), codec.encoder(), limit);
        EmbeddedChannel b = new EmbeddedChannel(DefaultChannelId.newInstance(), codec.newDecoder(), codec.encoder(), limit);
        EmbeddedChannel c = new EmbeddedChannel(DefaultChannelId.newInstance(), codec.newDecoder(), codec.encoder(), limit);
        assertThat(limit.connections()).isEqualTo(2);
        assertThat(drain(c, false)).singleElement().asString().startsWith("ERR too-many-connections ");
        assertThat(c.isOpen()).isFalse();
        assertThat(a.isOpen()).isTrue();
        a.close();
        assertThat(limit.connections()).isEqualTo(1);
        EmbeddedChannel d = new EmbeddedChannel(DefaultChannelId.newInstance(), codec.newDecoder(), codec.encoder(), limit);
        assertThat(d.isOpen()).isTrue();
        assertThat(limit.connections()).isEqualTo(2);
        for (EmbeddedChannel channel : List.of(a, b, c, d)) {
            channel.finishAndReleaseAll();
        }
    }
}
