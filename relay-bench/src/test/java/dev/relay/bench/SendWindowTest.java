package dev.relay.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The window arithmetic of both modes, against real reader counters (no connections: nothing is sent). */
class SendWindowTest {

    private static final int PUBLISHER = 0;
    private static final long W = 10;

    private final Bench bench = new Bench(new LoadGenerator().config(), connectNanos -> { });

    /** Readers of publisher 0 that have each had {@code received[i]} of its messages. */
    private List<BenchConnection> readers(long... received) {
        List<BenchConnection> readers = new ArrayList<>();
        for (int i = 0; i < received.length; i++) {
            Subscriber reader = new Subscriber(bench, "bench0", i, 1);
            receive(reader, received[i]);
            readers.add(reader);
        }
        return readers;
    }

    /** Brings {@code reader} to {@code count} messages of publisher 0 in all. */
    private static void receive(BenchConnection reader, long count) {
        for (long seq = reader.receivedFrom(PUBLISHER); seq < count; seq++) {
            assertThat(reader.heard(PUBLISHER, seq)).isTrue();
        }
    }

    private static SendWindow window(WindowMode mode, List<BenchConnection> audience) {
        return new SendWindow(mode, W, audience, null, PUBLISHER);
    }

    @Test
    void slowestHoldsThePublisherAtTheSlowestReader() {
        List<BenchConnection> audience = readers(0, 10);
        SendWindow window = window(WindowMode.SLOWEST, audience);
        assertThat(window.room(10)).isZero(); // one reader has everything, the other nothing: no room
        receive(audience.get(0), 4);
        assertThat(window.room(10)).isEqualTo(4);
    }

    @Test
    void totalLetsOneReaderFallBehindWhileTheSumOfLagsIsUnderWindowTimesReaders() {
        List<BenchConnection> audience = readers(0, 10);
        SendWindow window = window(WindowMode.TOTAL, audience);
        // lags 10 + 0 = 10 < 2 × 10: the sum may grow by 10 more, which 5 messages to both readers take
        assertThat(window.room(10)).isEqualTo(5);
        assertThat(window.room(14)).isEqualTo(1); // lags 14 + 4 = 18 < 20: one more
        assertThat(window.room(15)).isZero(); // lags 15 + 5 = 20: full, though one reader is 15 behind
        receive(audience.get(0), 1);
        assertThat(window.room(15)).isEqualTo(1); // 14 + 5 = 19 < 20
        receive(audience.get(1), 15);
        assertThat(window.room(16)).isEqualTo(2); // 15 + 1 = 16, then 18, then 20: two more
    }

    @Test
    void theModesAgreeWhenEveryReaderIsAtTheSamePoint() {
        for (WindowMode mode : WindowMode.values()) {
            assertThat(window(mode, readers(3, 3, 3)).room(10)).as(mode.label()).isEqualTo(3);
            assertThat(window(mode, readers(0, 0, 0)).room(0)).as(mode.label()).isEqualTo(W);
            assertThat(window(mode, readers(0, 0, 0)).room(W)).as(mode.label()).isZero();
        }
    }

    @Test
    void thePublisherItselfIsNoReaderAndAReaderlessPublisherIsNotHeldBack() {
        for (WindowMode mode : WindowMode.values()) {
            // the first stands for the publisher, which never hears itself
            List<BenchConnection> audience = readers(0, 10);
            SendWindow window = new SendWindow(mode, W, audience, audience.get(0), PUBLISHER);
            assertThat(window.room(10)).as(mode.label()).isEqualTo(W);
            assertThat(window(mode, List.of()).room(1_000_000)).as(mode.label()).isEqualTo(W);
        }
    }

    @Test
    void readersJoiningBeforeTheStartCount() {
        List<BenchConnection> audience = new ArrayList<>(readers(10));
        SendWindow window = window(WindowMode.TOTAL, audience);
        audience.addAll(readers(0)); // as Bench adds the relay's publishers once they all exist
        assertThat(window.room(10)).isEqualTo(5); // lags 0 + 10 < 2 × 10
    }
}
