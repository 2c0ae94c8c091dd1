package dev.relay.testing;

import dev.relay.core.chat.ServerLine;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/**
 * A blocking test client on a plain {@link Socket}, as {@code nc} or a hand-written program would be:
 * it writes bytes and reads lines (LINE framing) or length-prefixed frames (LENGTH framing). Every read
 * gives up after {@link #READ_TIMEOUT_MILLIS}, so a missing line fails the test instead of hanging it.
 * Not thread-safe: one thread per client (reads and writes may be on two threads).
 */
public final class TestClient implements AutoCloseable {

    public static final int READ_TIMEOUT_MILLIS = 10_000;

    private final Socket socket;
    private final boolean lengthFramed;
    private final InputStream in;
    private final OutputStream out;

    private TestClient(SocketAddress address, boolean lengthFramed) {
        this(address, lengthFramed, 0);
    }

    private TestClient(SocketAddress address, boolean lengthFramed, int receiveBufferSize) {
        this.lengthFramed = lengthFramed;
        try {
            socket = new Socket();
            if (receiveBufferSize > 0) {
                socket.setReceiveBufferSize(receiveBufferSize); // before connecting, so the window follows it
            }
            socket.setSoTimeout(READ_TIMEOUT_MILLIS);
            socket.setTcpNoDelay(true);
            socket.connect(address, READ_TIMEOUT_MILLIS);
            in = new java.io.BufferedInputStream(socket.getInputStream());
            out = socket.getOutputStream();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A client speaking LINE framing to {@code port} on 127.0.0.1. */
    public static TestClient line(int port) {
        return new TestClient(new InetSocketAddress("127.0.0.1", port), false);
    }

    /** A LINE client whose socket buffers at most about {@code receiveBufferSize} bytes it has not read. */
    public static TestClient line(int port, int receiveBufferSize) {
        return new TestClient(new InetSocketAddress("127.0.0.1", port), false, receiveBufferSize);
    }

    /** A client speaking LENGTH framing to {@code port} on 127.0.0.1. */
    public static TestClient length(int port) {
        return new TestClient(new InetSocketAddress("127.0.0.1", port), true);
    }

    /** The client's own port: how the server's log names its connection. */
    public int localPort() {
        return socket.getLocalPort();
    }

    /** Sends {@code text} as one frame in this client's framing. */
    public TestClient send(String text) {
        byte[] payload = text.getBytes(StandardCharsets.UTF_8);
        if (lengthFramed) {
            ByteArrayOutputStream frame = new ByteArrayOutputStream(payload.length + 4);
            frame.write(payload.length >>> 24);
            frame.write(payload.length >>> 16);
            frame.write(payload.length >>> 8);
            frame.write(payload.length);
            frame.writeBytes(payload);
            return sendRaw(frame.toByteArray());
        }
        ByteArrayOutputStream frame = new ByteArrayOutputStream(payload.length + 1);
        frame.writeBytes(payload);
        frame.write('\n');
        return sendRaw(frame.toByteArray());
    }

    /** Writes {@code bytes} exactly as given. */
    public TestClient sendRaw(byte[] bytes) {
        try {
            out.write(bytes);
            out.flush();
            return this;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The next frame from the server as text, without its line ending or length prefix. */
    public String readLine() {
        try {
            return lengthFramed ? readLengthFrame() : readTextLine();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The next frame, parsed as a server line. */
    public ServerLine read() {
        return ServerLine.parse(readLine());
    }

    /** Reads and drops lines until one matches; returns it. */
    public ServerLine readUntil(Predicate<ServerLine> wanted) {
        while (true) {
            ServerLine line = read();
            if (wanted.test(line)) {
                return line;
            }
        }
    }

    /** Reads up to and including the next line of {@code kind}. */
    public ServerLine readUntil(ServerLine.Kind kind) {
        return readUntil(line -> line.kind() == kind);
    }

    /**
     * Proves that nothing is queued for this client: sends {@code /ping TOKEN} and returns every line
     * that arrived before the {@code PONG} (excluding it).
     */
    public List<ServerLine> sync() {
        String token = "sync-" + System.nanoTime();
        send("/ping " + token);
        List<ServerLine> before = new ArrayList<>();
        while (true) {
            ServerLine line = read();
            if (line.kind() == ServerLine.Kind.PONG && line.text().equals(token)) {
                return before;
            }
            before.add(line);
        }
    }

    /** Reads lines until the server closes the connection; returns them. */
    public List<String> readUntilClosed() {
        List<String> lines = new ArrayList<>();
        while (true) {
            try {
                lines.add(lengthFramed ? readLengthFrame() : readTextLine());
            } catch (EOFException e) {
                return lines;
            } catch (IOException e) {
                if (socket.isClosed() || "Connection reset".equals(e.getMessage())) {
                    return lines;
                }
                throw new UncheckedIOException(e);
            }
        }
    }

    /** Closes the socket at once, without {@code /quit}: an abrupt disconnect. */
    @Override
    public void close() {
        try {
            socket.close();
        } catch (IOException ignored) {
            // closing anyway
        }
    }

    private String readTextLine() throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream(128);
        while (true) {
            int b = in.read();
            if (b < 0) {
                throw new EOFException("connection closed" + (line.size() > 0 ? " mid-line" : ""));
            }
            if (b == '\n') {
                return line.toString(StandardCharsets.UTF_8);
            }
            line.write(b);
        }
    }

    private String readLengthFrame() throws IOException {
        DataInputStream data = new DataInputStream(in);
        int length = data.readInt();
        byte[] payload = new byte[length];
        data.readFully(payload);
        return new String(payload, StandardCharsets.UTF_8);
    }
}
