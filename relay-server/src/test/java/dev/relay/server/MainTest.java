package dev.relay.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The command line of relay-server.jar, in this JVM: every bad value is one line on stderr that names
 * its option and says what it accepts (exit 2), and a server that cannot listen says why in one line
 * (exit 1). A check that let its value through would start a server and time the test out.
 */
@Timeout(20)
class MainTest {

    /** Runs the command line as {@link Main#run} does, on loopback and port 0 unless the case says otherwise. */
    private static Result run(String... args) {
        List<String> all = new ArrayList<>(List.of(args));
        if (!all.contains("--host")) {
            all.addAll(List.of("--host", "127.0.0.1"));
        }
        if (!all.contains("--port")) {
            all.addAll(List.of("--port", "0"));
        }
        StringWriter err = new StringWriter();
        int exit = CommandLines.create("relay-server", new Main())
                .setErr(new PrintWriter(err, true))
                .execute(all.toArray(String[]::new));
        return new Result(exit, err.toString());
    }

    private record Result(int exit, String err) {
    }

    static Stream<Arguments> badValues() {
        return Stream.of(
                bad("--port 70000", "--port must be between 0 (any free port) and 65535, not 70000"),
                bad("--port -1", "--port must be between 0 (any free port) and 65535, not -1"),
                bad("--max-frame-length 0", "--max-frame-length must be between 1 and 2147483639 bytes, not 0"),
                bad("--max-frame-length -1", "--max-frame-length must be between 1 and 2147483639 bytes, not -1"),
                bad("--max-frame-length 2147483640",
                        "--max-frame-length must be between 1 and 2147483639 bytes, not 2147483640"),
                bad("--framing length --max-frame-length 0",
                        "--max-frame-length must be between 1 and 2147483639 bytes, not 0"),
                bad("--max-pending-bytes 1023", "--max-pending-bytes must be at least 1024 bytes, not 1023"),
                bad("--max-pending-bytes -1", "--max-pending-bytes must be at least 1024 bytes, not -1"),
                bad("--max-pending-bytes-hard 0", "--max-pending-bytes-hard must be at least 1024 bytes, not 0"),
                bad("--max-pending-bytes-hard 2048",
                        "--max-pending-bytes-hard must be at least --max-pending-bytes (1048576 bytes), not 2048"),
                bad("--max-pending-total 0", "--max-pending-total must be at least 1048576 bytes, not 0"),
                bad("--max-pending-total -1", "--max-pending-total must be at least 1048576 bytes, not -1"),
                bad("--slow-consumer-grace-ms -1",
                        "--slow-consumer-grace-ms must be between 0 (slow at once) and 600000 ms, not -1"),
                bad("--slow-consumer-grace-ms 600001",
                        "--slow-consumer-grace-ms must be between 0 (slow at once) and 600000 ms, not 600001"),
                bad("--drain-timeout-ms -1", "--drain-timeout-ms must be between 0 (do not wait) and 600000 ms, not -1"),
                bad("--drain-timeout-ms 9300000000000",
                        "--drain-timeout-ms must be between 0 (do not wait) and 600000 ms, not 9300000000000"),
                bad("--close-timeout-ms -1", "--close-timeout-ms must be between 0 (do not wait) and 600000 ms, not -1"),
                bad("--close-timeout-ms 600001",
                        "--close-timeout-ms must be between 0 (do not wait) and 600000 ms, not 600001"),
                bad("--idle-timeout-ms -1", "--idle-timeout-ms must be between 0 (off) and 86400000 ms, not -1"),
                bad("--idle-timeout-ms 86400001", "--idle-timeout-ms must be between 0 (off) and 86400000 ms, not 86400001"),
                bad("--idle-timeout-ms 9223372036854775807",
                        "--idle-timeout-ms must be between 0 (off) and 86400000 ms, not 9223372036854775807"),
                bad("--max-connections 0", "--max-connections must be at least 1, not 0"),
                bad("--max-connections -5", "--max-connections must be at least 1, not -5"),
                bad("--max-connections-per-ip -1", "--max-connections-per-ip must be 0 (no cap) or more, not -1"),
                bad("--rate -1", "--rate must be 0 (no limit) or more, not -1"),
                bad("--burst 0", "--burst must be at least 1, not 0"),
                bad("--burst -1", "--burst must be at least 1, not -1"),
                bad("--max-rooms 0", "--max-rooms must be at least 1, not 0"),
                bad("--max-room-members -1", "--max-room-members must be at least 1, not -1"),
                bad("--max-rooms-per-connection 0", "--max-rooms-per-connection must be at least 1, not 0"),
                bad("--presence-limit -1", "--presence-limit must be 0 (no limit) or more, not -1"),
                bad("--presence-limit -200", "--presence-limit must be 0 (no limit) or more, not -200"),
                bad("--presence-limit many", "Invalid value for option '--presence-limit': 'many' is not an int (see --help)"),
                bad("--presence-delay-ms -1", "--presence-delay-ms must be between 0 (at once) and 10000 ms, not -1"),
                bad("--presence-delay-ms 10001", "--presence-delay-ms must be between 0 (at once) and 10000 ms, not 10001"),
                bad("--arrival-window-ms -5", "--arrival-window-ms must be between 0 (guests at once) and 10000 ms, not -5"),
                bad("--arrival-window-ms 10001", "--arrival-window-ms must be between 0 (guests at once) and 10000 ms, not 10001"),
                bad("--io-threads -1", "--io-threads must be 0 (2 per core) or more, not -1"),
                bad("--default-room a.b",
                        "--default-room must be a room name, not 'a.b': a room name has only letters, digits, _ and -"),
                bad("--slow-consumer never", "--slow-consumer must be disconnect or drop, not 'never'"),
                bad("--port seventy", "Invalid value for option '--port': 'seventy' is not an int (see --help)"),
                bad("--max-frame-length 99999999999",
                        "Invalid value for option '--max-frame-length': '99999999999' is not an int (see --help)"));
    }

    private static Arguments bad(String args, String message) {
        return Arguments.of(args, message);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badValues")
    void aBadValueIsOneLineNamingItsOptionAndExitCode2(String args, String message) {
        Result result = run(args.split(" "));
        assertThat(result.err()).isEqualTo("relay-server: " + message + System.lineSeparator());
        assertThat(result.exit()).isEqualTo(2);
    }

    @Test
    void helpNamesThePresenceLimitWithItsDefaultAndWhatZeroMeans() {
        StringWriter out = new StringWriter();
        int exit = CommandLines.create("relay-server", new Main()).setOut(new PrintWriter(out, true)).execute("--help");
        assertThat(exit).isZero();
        assertThat(out.toString().replaceAll("\\s+", " ")).contains("--presence-limit=N Members a room may have before the "
                + "arrivals, departures and renames of others in it are no longer announced (announced again at 3/4 of "
                + "it); 0 for no limit (default: 50).");
    }

    @Test
    void aBlankHostIsABadValue() {
        Result result = run("--host", " ");
        assertThat(result.err()).isEqualTo("relay-server: --host must not be blank" + System.lineSeparator());
        assertThat(result.exit()).isEqualTo(2);
    }

    /** {@code args}, and {@code --no-native} if asked: the messages are the same on either transport. */
    private static String[] on(boolean noNative, String... args) {
        List<String> all = new ArrayList<>(List.of(args));
        if (noNative) {
            all.add("--no-native");
        }
        return all.toArray(String[]::new);
    }

    @ParameterizedTest(name = "--no-native {0}")
    @ValueSource(booleans = {false, true})
    void anAddressThatIsNotThisMachinesIsOneLineAndExitCode1(boolean noNative) {
        // 192.0.2.1 is TEST-NET-1 (RFC 5737): never a local address, and the failed bind sends nothing
        Result result = run(on(noNative, "--host", "192.0.2.1"));
        assertThat(result.err()).isEqualTo("relay-server: cannot listen on 192.0.2.1:0: Cannot assign requested address "
                + "(not an address of this machine)" + System.lineSeparator());
        assertThat(result.exit()).isEqualTo(1);
    }

    @ParameterizedTest(name = "--no-native {0}")
    @ValueSource(booleans = {false, true})
    void aPortInUseIsOneLineAndExitCode1(boolean noNative) throws IOException {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            String port = String.valueOf(taken.getLocalPort());
            Result result = run(on(noNative, "--port", port));
            assertThat(result.err()).isEqualTo(
                    "relay-server: cannot listen on 127.0.0.1:" + port + ": Address already in use" + System.lineSeparator());
            assertThat(result.exit()).isEqualTo(1);
        }
    }
}
