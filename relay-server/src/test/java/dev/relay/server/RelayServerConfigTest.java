package dev.relay.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.relay.core.codec.Framing;
import org.junit.jupiter.api.Test;

class RelayServerConfigTest {

    @Test
    void defaultsAreDocumentedValues() {
        RelayServerConfig config = RelayServerConfig.builder().build();
        assertThat(config.host()).isEqualTo("0.0.0.0");
        assertThat(config.port()).isZero();
        assertThat(config.framing()).as("every kind of client, detected").isNull();
        assertThat(config.detects()).isTrue();
        assertThat(config.maxFrameLength(Framing.LINE)).isEqualTo(8192);
        assertThat(config.maxFrameLength(Framing.WEBSOCKET)).isEqualTo(8192);
        assertThat(config.maxFrameLength(Framing.LENGTH)).isEqualTo(1 << 20);
        assertThat(config.web()).isEqualTo(WebConfig.DEFAULTS);
        assertThat(config.web().pingInterval()).hasSeconds(30);
        assertThat(RelayServerConfig.builder().maxFrameLength(100).build().maxFrameLength(Framing.LENGTH))
                .as("a limit given applies to every kind").isEqualTo(100);
        assertThat(config.defaultRoom()).isEqualTo("lobby");
        assertThat(config.ioThreads()).isZero();
        assertThat(config.nativeTransport()).isTrue();
        assertThat(RelayServerConfig.builder().framing(Framing.LENGTH).build().maxFrameLength()).isEqualTo(1 << 20);
    }

    @Test
    void settersValidateAtOnce() {
        RelayServerConfig.Builder builder = RelayServerConfig.builder();
        assertThatThrownBy(() -> builder.port(65536)).hasMessageContaining("port");
        assertThatThrownBy(() -> builder.port(-1)).hasMessageContaining("port");
        assertThatThrownBy(() -> builder.maxFrameLength(-5)).hasMessageContaining("max frame length");
        assertThatThrownBy(() -> builder.ioThreads(-1)).hasMessageContaining("io threads");
        assertThatThrownBy(() -> builder.defaultRoom("no way")).hasMessageContaining("bad default room");
        assertThatThrownBy(() -> builder.host(" ")).hasMessageContaining("host");
        assertThat(builder.defaultRoom("#Dev").build().defaultRoom()).isEqualTo("dev");
        assertThatThrownBy(() -> builder.drainTimeout(java.time.Duration.ofMillis(9_300_000_000_000L)))
                .hasMessage("drain timeout must be between 0 and 600000 ms: 9300000000000 ms");
        assertThatThrownBy(() -> builder.idleTimeout(java.time.Duration.ofSeconds(Long.MAX_VALUE)))
                .hasMessageContaining("idle timeout must be between 0 and 86400000 ms");
        assertThatThrownBy(() -> builder.slowConsumerGrace(java.time.Duration.ofMillis(-1)))
                .hasMessageContaining("slow-consumer grace must be between 0 and");
        assertThatThrownBy(() -> builder.maxPendingTotal(1000)).hasMessageContaining("max pending total");
        assertThatThrownBy(() -> RelayServerConfig.builder().maxPendingBytes(1 << 20).maxPendingBytesHard(1 << 19).build())
                .hasMessageContaining("must not be below the soft limit");
        assertThat(RelayServerConfig.builder().maxPendingBytes(64L << 20).build().maxPendingBytesHard())
                .isEqualTo(64L << 20);
        assertThatThrownBy(() -> new RelayServerConfig("0.0.0.0", 0, Framing.LINE, 10, 0, "Lobby", true,
                1 << 20, 1 << 25, java.time.Duration.ofSeconds(5), 0, dev.relay.core.SlowConsumerPolicy.DROP,
                java.time.Duration.ZERO, 10, 0, 0, 1,
                java.time.Duration.ZERO, dev.relay.core.chat.ChatLimits.DEFAULTS, System::nanoTime, pipeline -> { }, WebConfig.DEFAULTS))
                .hasMessageContaining("lower case");
    }

    @Test
    void toBuilderCopiesEveryValueAndBuildsAnEqualConfig() {
        RelayServerConfig config = RelayServerConfig.builder().host("127.0.0.1").port(1234)
                .framing(Framing.LENGTH).maxFrameLength(99).ioThreads(3).defaultRoom("dev")
                .nativeTransport(false).build();
        assertThat(config.toBuilder().build()).isEqualTo(config);
        assertThat(config.toBuilder().port(1).build()).isNotEqualTo(config);
    }
}
