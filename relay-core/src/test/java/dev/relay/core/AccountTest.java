package dev.relay.core;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import org.junit.jupiter.api.Test;

/** How an account tells a member that reads, however far behind, from one that does not. */
class AccountTest {

    private final SlowConsumerGuard guard = SlowConsumerGuard.builder().maxPendingBytes(1024).build();

    @Test
    void whatTheSocketTookSinceTheEpisodeBeganIsWhatWasWrittenMinusWhatIsStillHeld() {
        EmbeddedChannel channel = new EmbeddedChannel();
        Account account = guard.account(channel);
        account.overSoftLimit(100, 5000); // 5,000 bytes held when it went over
        ByteBuf batch = Unpooled.buffer(904).writeZero(904);
        account.countWrite(batch); // 904 + the outbound buffer's 96 per entry
        assertThat(account.readSinceOverLimit(6000)).as("nothing read: it holds all of it").isZero();
        assertThat(account.readSinceOverLimit(2000)).as("it took 4,000").isEqualTo(4000);
        assertThat(account.overSince).isEqualTo(100);
        account.underSoftLimit();
        assertThat(account.overSince).isZero();
        batch.release();
        channel.finishAndReleaseAll();
    }
}
