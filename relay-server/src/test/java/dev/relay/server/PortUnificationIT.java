package dev.relay.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.relay.core.chat.ServerLine.Kind;
import dev.relay.testing.TestClient;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.Timeout;

/**
 * Every kind of client on one real port: a silent {@code nc} user, a browser's request dribbled a byte
 * per write, a length-framed client, garbage, and the connection limit answered in each client's terms.
 */
@Timeout(60)
class PortUnificationIT {

    @RegisterExtension
    final Opened opened = new Opened();
    private RelayServer server;

    private RelayServer start(RelayServerConfig.Builder config) {
        server = opened.server(config);
        return server;
    }

    private Socket socket() throws IOException {
        Socket socket = new Socket("127.0.0.1", server.port());
        socket.setSoTimeout(10_000);
        socket.setTcpNoDelay(true);
        opened.add(socket);
        return socket;
    }

    /** Reads an HTTP response until the server closes the connection. */
    private static String readAll(InputStream in) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        in.transferTo(out);
        return out.toString(StandardCharsets.UTF_8);
    }

    @Test
    void aSilentClientIsWelcomedAsALineClient() {
        start(RelayServerConfig.builder());
        TestClient silent = TestClient.line(server.port());
        opened.add(silent);
        assertThat(silent.readLine()).startsWith("WELCOME guest1 lobby ");
        assertThat(silent.readLine()).contains("framing=line");
    }

    @Test
    void aRequestSentOneBytePerWriteGetsThePageAndTheScripts() throws Exception {
        start(RelayServerConfig.builder());
        for (String path : new String[] {"/", "/app.js", "/app.css"}) {
            Socket socket = socket();
            OutputStream out = socket.getOutputStream();
            for (byte b : ("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII)) {
                out.write(b);
                out.flush();
            }
            String response = readAll(socket.getInputStream());
            assertThat(response).as(path).startsWith("HTTP/1.1 200 OK")
                    .containsIgnoringCase("x-content-type-options: nosniff")
                    .containsIgnoringCase("cache-control: no-cache")
                    .containsIgnoringCase("content-security-policy: default-src 'none'; script-src 'self'");
        }
    }

    @Test
    void thePageIsRevalidatedWithItsEtagAndOtherRequestsAreAnsweredPlainly() throws Exception {
        start(RelayServerConfig.builder());
        Socket socket = socket();
        socket.getOutputStream().write("HEAD / HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n"
                .getBytes(StandardCharsets.US_ASCII));
        String head = readAll(socket.getInputStream());
        String etag = head.lines().filter(l -> l.toLowerCase().startsWith("etag:")).findFirst().orElseThrow()
                .substring(5).strip();
        assertThat(head).doesNotContain("<html");
        assertThat(exchange("GET / HTTP/1.1\r\nHost: h\r\nIf-None-Match: " + etag + "\r\nConnection: close\r\n\r\n"))
                .startsWith("HTTP/1.1 304 Not Modified");
        assertThat(exchange("GET /nothing-here HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n"))
                .startsWith("HTTP/1.1 404 Not Found");
        assertThat(exchange("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 2\r\nConnection: close\r\n\r\nhi"))
                .startsWith("HTTP/1.1 405 Method Not Allowed").containsIgnoringCase("allow: GET, HEAD");
        assertThat(exchange("GET /ws HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n"))
                .startsWith("HTTP/1.1 426 Upgrade Required");
    }

    private String exchange(String request) throws IOException {
        Socket socket = socket();
        socket.getOutputStream().write(request.getBytes(StandardCharsets.US_ASCII));
        return readAll(socket.getInputStream());
    }

    @Test
    void lengthFramedAndLineClientsShareTheRoomsAndGarbageIsALineClient() {
        start(RelayServerConfig.builder());
        TestClient framed = TestClient.length(server.port());
        opened.add(framed);
        framed.send("/hello nick=lena");
        assertThat(framed.readUntil(Kind.SERVER).toString()).contains("framing=length", "max-frame-length=1048576");
        TestClient nc = TestClient.line(server.port());
        opened.add(nc);
        nc.sendRaw(new byte[] {(byte) 0xc3, (byte) 0x28, 'x', '\n'}); // invalid UTF-8 first: still a line client
        nc.readUntil(line -> line.toString().startsWith("JOIN lobby guest"));
        framed.readUntil(line -> line.toString().startsWith("JOIN lobby guest"));
        assertThat(framed.readLine()).as("its first line was a chat line").isEqualTo("MSG lobby guest1 \ufffd(x");
        nc.send("hello lena");
        assertThat(framed.readLine()).isEqualTo("MSG lobby guest1 hello lena");
        framed.send("hello, line client");
        assertThat(nc.readLine()).isEqualTo("MSG lobby lena hello, line client");
    }

    @Test
    void overTheLimitALineClientGetsErrAndABrowserA503() throws Exception {
        start(RelayServerConfig.builder().maxConnections(1));
        TestClient first = TestClient.line(server.port());
        opened.add(first);
        first.readUntil(Kind.WELCOME);
        TestClient second = TestClient.line(server.port());
        opened.add(second);
        assertThat(second.readUntilClosed()).containsExactly(
                "ERR too-many-connections The server has its maximum of 1 connections; try again later");
        String busy = exchange("GET / HTTP/1.1\r\nHost: h\r\n\r\n");
        assertThat(busy).startsWith("HTTP/1.1 503 Service Unavailable").containsIgnoringCase("retry-after: 10")
                .contains("The server has its maximum of 1 connections");
    }

    @Test
    void aPinnedFramingServesNoPage() throws Exception {
        start(RelayServerConfig.builder().framing(dev.relay.core.codec.Framing.LINE));
        Socket socket = socket();
        socket.getOutputStream().write("GET / HTTP/1.1\r\nHost: h\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        byte[] first = new byte[8];
        assertThat(socket.getInputStream().readNBytes(first, 0, 8)).isEqualTo(8);
        assertThat(new String(first, StandardCharsets.US_ASCII)).isEqualTo("WELCOME ");
    }
}
