package dev.relay.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.relay.core.chat.ServerLine.Kind;
import dev.relay.testing.TestClient;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.Timeout;

/**
 * WebSocket clients at {@code /ws} on the one port, with Netty's WebSocket client: the same rooms as
 * {@code nc} and length-framed clients, the Origin check, the size limit (1009), pings, and the close
 * frame on shutdown (1001).
 */
@Timeout(60)
class WebSocketIT {

    @RegisterExtension
    final Opened opened = new Opened();
    private RelayServer server;

    private RelayServer start(RelayServerConfig.Builder config) {
        server = opened.server(config);
        return server;
    }

    private String sameOrigin() {
        return "http://127.0.0.1:" + server.port();
    }

    @Test
    void webSocketLineAndLengthClientsTalkInOneRoomOnOnePort() throws Exception {
        start(RelayServerConfig.builder());
        WsTestClient web = opened.add(WsTestClient.connect(server.port(), sameOrigin()));
        web.send("/hello nick=webby rooms=dev");
        assertThat(web.next()).startsWith("WELCOME webby dev ");
        assertThat(web.next()).contains("framing=websocket", "max-frame-length=8192");
        assertThat(web.next()).isEqualTo("JOIN dev webby");

        TestClient nc = opened.add(TestClient.line(server.port()));
        nc.send("/hello nick=neo rooms=dev");
        nc.readUntil(Kind.WELCOME);
        nc.readUntil(line -> line.toString().equals("JOIN dev neo"));
        assertThat(web.next()).isEqualTo("JOIN dev neo");

        TestClient framed = opened.add(TestClient.length(server.port()));
        framed.send("/hello nick=len rooms=dev");
        assertThat(framed.readUntil(Kind.SERVER).toString()).contains("framing=length");
        framed.readUntil(line -> line.toString().equals("JOIN dev len"));
        assertThat(web.next()).isEqualTo("JOIN dev len");
        nc.readUntil(line -> line.toString().equals("JOIN dev len"));

        web.send("hello from the browser side");
        assertThat(nc.readLine()).isEqualTo("MSG dev webby hello from the browser side");
        assertThat(framed.readLine()).isEqualTo("MSG dev webby hello from the browser side");
        nc.send("and back from nc");
        assertThat(web.next()).isEqualTo("MSG dev neo and back from nc");
        framed.send("/me waves \u001b[2J");
        assertThat(web.next()).isEqualTo("ACTION dev len waves \u241b[2J");
        assertThat(nc.readLine()).isEqualTo("ACTION dev len waves \u241b[2J");

        web.sendFragmented("in ", "three ", "pieces");
        assertThat(nc.readLine()).isEqualTo("MSG dev webby in three pieces");
        web.send("/who");
        assertThat(web.nextStartingWith("WHOEND")).startsWith("WHOEND dev 3");
    }

    @Test
    void aForeignOriginIsRefusedWith403AndAllowedOnesGetIn() throws Exception {
        start(RelayServerConfig.builder().web(WebConfig.DEFAULTS.withAllowedOrigins(List.of("https://chat.example"))));
        assertThat(WsTestClient.refusal(server.port(), "http://evil.example"))
                .hasMessageContaining("403");
        assertThat(WsTestClient.refusal(server.port(), "null")).hasMessageContaining("403");
        for (String origin : new String[] {sameOrigin(), "https://chat.example", "HTTPS://Chat.Example:443", null}) {
            try (WsTestClient client = WsTestClient.connect(server.port(), origin)) {
                client.send("/ping " + origin);
                assertThat(client.nextStartingWith("PONG")).as(String.valueOf(origin)).isEqualTo("PONG " + origin);
            }
        }
    }

    @Test
    void aMessageOverTheLimitCloses1009AndTheRoomIsToldWhy() throws Exception {
        start(RelayServerConfig.builder().maxFrameLength(100));
        TestClient nc = opened.add(TestClient.line(server.port()));
        nc.send("/hello nick=watcher");
        nc.readUntil(line -> line.toString().equals("JOIN lobby watcher"));
        WsTestClient big = opened.add(WsTestClient.connect(server.port(), sameOrigin()));
        big.send("/hello nick=big");
        big.nextStartingWith("JOIN lobby big");
        nc.readUntil(line -> line.toString().equals("JOIN lobby big"));
        big.send("x".repeat(101));
        assertThat(big.awaitClose()).isEqualTo(new WsTestClient.Close(1009, "message over 100 bytes"));
        assertThat(nc.readLine()).isEqualTo("QUIT lobby big message over 100 bytes");

        WsTestClient pieces = opened.add(WsTestClient.connect(server.port(), sameOrigin()));
        pieces.send("/hello nick=pieces");
        pieces.nextStartingWith("JOIN lobby pieces");
        pieces.sendFragmented("y".repeat(60), "y".repeat(60));
        assertThat(pieces.awaitClose().code()).as("the limit counts the whole message").isEqualTo(1009);

        WsTestClient binary = opened.add(WsTestClient.connect(server.port(), sameOrigin()));
        binary.nextStartingWith("JOIN lobby");
        binary.sendBinary(new byte[] {1, 2, 3});
        assertThat(binary.awaitClose().code()).isEqualTo(1003);
    }

    @Test
    void theServerPingsAndClosesAClientThatDoesNotAnswer() throws Exception {
        start(RelayServerConfig.builder().web(WebConfig.DEFAULTS.withPingInterval(Duration.ofMillis(300))));
        WsTestClient alive = opened.add(WsTestClient.connect(server.port(), sameOrigin()));
        WsTestClient deaf = opened.add(WsTestClient.deaf(server.port(), sameOrigin()));
        alive.nextStartingWith("JOIN lobby");
        deaf.nextStartingWith("JOIN lobby");
        assertThat(deaf.awaitClose()).isEqualTo(new WsTestClient.Close(1008, "no answer to a ping for 300 ms"));
        assertThat(alive.pings.get()).as("pinged too, and answered").isPositive();
        int pings = alive.pings.get();
        org.awaitility.Awaitility.await().atMost(10, TimeUnit.SECONDS).until(() -> alive.pings.get() >= pings + 3);
        assertThat(alive.closed).as("a client that answers stays").isNotDone();
    }

    @Test
    void shutdownSaysByeThenCloses1001WithTheReason() throws Exception {
        start(RelayServerConfig.builder());
        WsTestClient web = opened.add(WsTestClient.connect(server.port(), sameOrigin()));
        web.nextStartingWith("JOIN lobby");
        server.close();
        assertThat(web.nextStartingWith("BYE")).isEqualTo("BYE Server shutting down");
        assertThat(web.awaitClose()).isEqualTo(new WsTestClient.Close(1001, "Server shutting down"));
    }

    @Test
    void quitClosesNormallyAndIdleWith1008() throws Exception {
        start(RelayServerConfig.builder().idleTimeout(Duration.ofMillis(500)));
        WsTestClient quitter = opened.add(WsTestClient.connect(server.port(), sameOrigin()));
        quitter.send("/hello nick=q");
        quitter.nextStartingWith("JOIN lobby q");
        quitter.send("/quit");
        assertThat(quitter.nextStartingWith("BYE")).isEqualTo("BYE Goodbye, q");
        assertThat(quitter.awaitClose()).isEqualTo(new WsTestClient.Close(1000, "Goodbye, q"));

        WsTestClient sleeper = opened.add(WsTestClient.connect(server.port(), sameOrigin()));
        sleeper.nextStartingWith("JOIN lobby");
        assertThat(sleeper.nextStartingWith("BYE")).startsWith("BYE Closing an idle connection");
        assertThat(sleeper.awaitClose()).isEqualTo(new WsTestClient.Close(1008, "idle: sent nothing for too long"));
    }
}
