package dev.relay.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ReconnectPolicyTest {

    @Test
    void delaysGrowExponentiallyWithJitterUpToTheCap() {
        ReconnectPolicy policy = ReconnectPolicy.defaults();
        Random random = new Random(7);
        for (int i = 0; i < 200; i++) {
            assertThat(policy.delay(1, random)).isBetween(Duration.ofMillis(200), Duration.ofMillis(300));
            assertThat(policy.delay(3, random)).isBetween(Duration.ofMillis(800), Duration.ofMillis(1200));
            assertThat(policy.delay(40, random)).isBetween(Duration.ofSeconds(24), Duration.ofSeconds(30));
        }
    }

    @Test
    void attemptsAreBoundedWhenAskedAndNoneWhenDisabled() {
        assertThat(ReconnectPolicy.defaults().allows(1_000_000)).isTrue();
        assertThat(ReconnectPolicy.defaults().withMaxAttempts(3).allows(3)).isTrue();
        assertThat(ReconnectPolicy.defaults().withMaxAttempts(3).allows(4)).isFalse();
        assertThat(ReconnectPolicy.disabled().allows(1)).isFalse();
    }

    @Test
    void nonsenseIsRejected() {
        assertThatThrownBy(() -> new ReconnectPolicy(true, Duration.ofSeconds(2), Duration.ofSeconds(1), 2, 0, 0))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new ReconnectPolicy(true, Duration.ZERO, Duration.ofSeconds(1), 0.5, 0, 0))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> RelayClientConfig.builder().nick("9bad").build())
                .hasMessageContaining("bad nick");
    }
}
