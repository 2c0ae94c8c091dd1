package dev.relay.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** The command line's options as far as the run's config and its reports, without running anything. */
class LoadGeneratorTest {

    private static BenchConfig config(String... args) {
        LoadGenerator generator = new LoadGenerator();
        new CommandLine(generator).parseArgs(args);
        return generator.config();
    }

    @Test
    void theWindowModeReachesTheConfigAndIsReported() {
        assertThat(config().windowMode()).isEqualTo(WindowMode.SLOWEST);
        BenchConfig total = config("--window-mode", "total", "--window", "500");
        assertThat(total.windowMode()).isEqualTo(WindowMode.TOTAL);

        BenchResult result = BenchResult.failed(total, 0, 1, List.of("none"));
        assertThat(result.resultLine()).contains(" window=500 window_mode=total ");
        assertThat(result.describe()).contains("max rate, window 500, window mode total");
        assertThat(BenchResult.failed(config(), 0, 1, List.of()).resultLine()).contains(" window_mode=slowest ");

        assertThatThrownBy(() -> config("--window-mode", "fastest"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("unknown window mode 'fastest': use slowest or total");
    }

    @Test
    void inTotalModeAWholeWindowMayBeOneReadersSoTheInFlightBoundGrowsWithTheReaders() {
        // 2 publishers in one room of 10 subscribers: each publisher has 11 readers on the relay
        String[] room = {"-P", "2", "-S", "10", "--size", "68", "--window", "100"};
        assertThat(config(room).inFlightBytesPerReader()).isEqualTo(2 * 100 * 100L);
        String[] total = {"-P", "2", "-S", "10", "--size", "68", "--window", "100", "--window-mode", "total"};
        assertThat(config(total).inFlightBytesPerReader()).isEqualTo(2 * 100 * 11 * 100L);
    }
}
