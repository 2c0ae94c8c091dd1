package dev.relay.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.relay.core.codec.Framing;
import dev.relay.server.RelayServer;
import dev.relay.server.RelayServerConfig;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A client whose framing is not the server's is told so at once, by name, against real servers of
 * either framing: not after its connect timeout, and not as a missing welcome.
 */
@Timeout(60)
class FramingMismatchIT {

    /** Far longer than the wait allowed, so that only the framing check can fail the connect in time. */
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(30);

    private static Throwable connectFailure(Framing server, Framing client) throws Exception {
        try (RelayServer relay = new RelayServer(RelayServerConfig.builder().host("127.0.0.1").port(0)
                        .framing(server).build()).start();
                RelayClient relayClient = new RelayClient(RelayClientConfig.builder().host("127.0.0.1")
                        .port(relay.port()).framing(client).nick("alice").connectTimeout(CONNECT_TIMEOUT)
                        .reconnect(ReconnectPolicy.disabled()).build(), event -> { })) {
            CompletableFuture<Void> connect = relayClient.connect();
            assertThatThrownBy(() -> connect.get(5, TimeUnit.SECONDS)).as("fails within 5 s, not after 30")
                    .isInstanceOf(ExecutionException.class);
            Throwable failure = connect.handle((ok, error) -> error).join();
            return failure instanceof java.util.concurrent.CompletionException && failure.getCause() != null
                    ? failure.getCause() : failure;
        }
    }

    @Test
    void lengthFramingAgainstALineServerNamesLineFraming() throws Exception {
        // The line server does not see a line in the client's length-framed /hello, so after its arrival
        // window it welcomes a guest; that welcome is what the client quotes.
        assertThat(connectFailure(Framing.LINE, Framing.LENGTH)).isInstanceOf(RelayClientException.class)
                .message().matches("the server speaks line framing, not length \\(it sent 'WELCOME guest\\d+ lobby"
                        + " [^']* \\.\\.\\.'\\); use --framing line");
    }

    @Test
    void lineFramingAgainstALengthServerNamesLengthFraming() throws Exception {
        // "/hel", the start of the client's /hello, is a length of 795 MB to the length server: it answers
        // ERR too-long at once, in a length frame.
        assertThat(connectFailure(Framing.LENGTH, Framing.LINE)).isInstanceOf(RelayClientException.class)
                .hasMessage("the server speaks length framing, not line (it sent a 4-byte length, then"
                        + " 'ERR too-long Frame longer than 1048576 ...'); use --framing length");
    }
}
