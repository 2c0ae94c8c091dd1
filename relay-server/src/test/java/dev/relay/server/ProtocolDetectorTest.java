package dev.relay.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.relay.core.RoomRegistry;
import dev.relay.core.chat.ChatHandler;
import dev.relay.core.chat.LocalDelivery;
import dev.relay.core.chat.SessionRegistry;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.DefaultChannelId;
import io.netty.channel.embedded.EmbeddedChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The detector on EmbeddedChannels: each kind of client from its first bytes, split as badly as TCP may. */
class ProtocolDetectorTest {

    private final RoomRegistry rooms = new RoomRegistry();
    private final SessionRegistry sessions = new SessionRegistry();
    private final RelayServerConfig config = RelayServerConfig.builder().build();
    private final ChatConnections chats = new ChatConnections(config,
            new ChatHandler(rooms, sessions, new LocalDelivery(rooms, sessions), "lobby", config.chatLimits()));
    private final WebHandler web = new WebHandler(chats, config.web());
    private final List<EmbeddedChannel> channels = new ArrayList<>();

    @AfterEach
    void release() {
        channels.forEach(EmbeddedChannel::finishAndReleaseAll);
    }

    private EmbeddedChannel connect() {
        EmbeddedChannel channel = new EmbeddedChannel(DefaultChannelId.newInstance(), false, false);
        channel.pipeline().addLast(RelayPipeline.DETECTOR,
                new ProtocolDetector(chats, web, config.chatLimits().arrivalWindow()));
        register(channel);
        channel.freezeTime();
        channels.add(channel);
        return channel;
    }

    private static void register(EmbeddedChannel channel) {
        try {
            channel.register();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static void send(EmbeddedChannel channel, byte[] bytes) {
        channel.writeInbound(Unpooled.wrappedBuffer(bytes));
    }

    private static void send(EmbeddedChannel channel, String text) {
        send(channel, text.getBytes(StandardCharsets.UTF_8));
    }

    /** Everything written to {@code channel} so far, as one string. */
    private static String written(EmbeddedChannel channel) {
        channel.runPendingTasks();
        StringBuilder out = new StringBuilder();
        for (Object msg; (msg = channel.readOutbound()) != null; ) {
            ByteBuf buf = (ByteBuf) msg;
            out.append(buf.toString(StandardCharsets.ISO_8859_1));
            buf.release();
        }
        return out.toString();
    }

    private static boolean decided(EmbeddedChannel channel) {
        return channel.pipeline().get(RelayPipeline.DETECTOR) == null;
    }

    @Test
    void aSilentClientIsALineClientOnceTheWindowIsOver() {
        EmbeddedChannel silent = connect();
        silent.advanceTimeBy(249, TimeUnit.MILLISECONDS);
        silent.runScheduledPendingTasks();
        assertThat(decided(silent)).isFalse();
        assertThat(written(silent)).isEmpty();
        silent.advanceTimeBy(1, TimeUnit.MILLISECONDS);
        silent.runScheduledPendingTasks();
        assertThat(decided(silent)).isTrue();
        assertThat(written(silent)).startsWith("WELCOME guest1 lobby ").contains("\nSERVER protocol=2 ")
                .contains("framing=line").endsWith("JOIN lobby guest1\n");
    }

    @Test
    void aLineClientIsKnownByItsFirstByteThatCannotBeAnythingElse() {
        for (String first : new String[] {"/hello nick=ann\n", "hi\n", "G", "GET", "OK I think so\n"}) {
            EmbeddedChannel channel = connect();
            send(channel, first);
            boolean known = !first.equals("G") && !first.equals("GET");
            assertThat(decided(channel)).as(first).isEqualTo(known);
        }
        EmbeddedChannel amy = connect();
        send(amy, "/hello nick=amy rooms=dev\n");
        assertThat(written(amy)).as("the arrival line in the same packet counts").startsWith("WELCOME amy dev ");
        EmbeddedChannel chatty = connect();
        send(chatty, "GET me a coffee\n");
        assertThat(decided(chatty)).isTrue();
        assertThat(written(chatty)).as("a line that starts like HTTP is a line").startsWith("WELCOME guest");
    }

    @Test
    void anHttpRequestArrivingOneByteAtATimeGetsThePage() {
        EmbeddedChannel browser = connect();
        byte[] request = "GET / HTTP/1.1\r\nHost: 127.0.0.1:7777\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
        int decidedAt = -1;
        for (int i = 0; i < request.length; i++) {
            send(browser, new byte[] {request[i]});
            if (decidedAt < 0 && decided(browser)) {
                decidedAt = i;
            }
        }
        assertThat(decidedAt).as("decided on the 'HTTP/' of the request line, not before, not later")
                .isEqualTo("GET / HTTP/".length() - 1);
        String response = written(browser);
        assertThat(response).startsWith("HTTP/1.1 200 OK").contains("<!doctype html>")
                .containsIgnoringCase("content-security-policy: default-src 'none'");
    }

    @Test
    void aZeroFirstByteIsALengthFramedClient() {
        EmbeddedChannel framed = connect();
        send(framed, new byte[] {0});
        assertThat(decided(framed)).isTrue();
        send(framed, new byte[] {0, 0, 5, '/', 'p', 'i', 'n', 'g'});
        String out = written(framed);
        assertThat(out).contains("framing=length").contains("PONG");
        assertThat(out.charAt(0)).as("a length prefix, not a line").isEqualTo((char) 0);
    }

    @Test
    void aTlsClientHelloIsRecognisedAndClosedAndGarbageIsALineClient() {
        EmbeddedChannel tls = connect();
        send(tls, new byte[] {0x16, 0x03});
        assertThat(tls.isOpen()).as("two bytes do not make a ClientHello yet").isTrue();
        send(tls, new byte[] {0x01, 0x02, 0x00});
        assertThat(tls.isOpen()).isFalse();
        assertThat(written(tls)).isEmpty();

        EmbeddedChannel garbage = connect();
        send(garbage, new byte[] {(byte) 0xff, 0x16, 0x00, (byte) 0x80, '\n'});
        assertThat(decided(garbage)).isTrue();
        assertThat(written(garbage)).startsWith("WELCOME guest");
        EmbeddedChannel notTls = connect();
        send(notTls, new byte[] {0x16, 'x', '\n'});
        assertThat(written(notTls)).startsWith("WELCOME guest");
    }

    @Test
    void withTheWebOffAnHttpRequestIsJustLines() {
        EmbeddedChannel channel = new EmbeddedChannel(DefaultChannelId.newInstance(), false, false);
        channel.pipeline().addLast(new ProtocolDetector(chats, null, config.chatLimits().arrivalWindow()));
        register(channel);
        channels.add(channel);
        send(channel, "GET / HTTP/1.1\r\n");
        assertThat(decided(channel)).isTrue();
        assertThat(written(channel)).startsWith("WELCOME guest").doesNotContain("HTTP/1.1 ");
    }

    @Test
    void detectionTakesAsFewBytesAsItNeeds() {
        assertThat(ProtocolDetector.detect(Unpooled.wrappedBuffer(new byte[] {'/'}), true))
                .isEqualTo(ProtocolDetector.Kind.LINE);
        assertThat(ProtocolDetector.detect(Unpooled.wrappedBuffer(new byte[] {'P', 'O', 'S', 'T', ' ', '/'}), true))
                .isNull();
        assertThat(ProtocolDetector.detect(Unpooled.wrappedBuffer(new byte[] {'P', 'O', 'S', 'T', ' ', 'x'}), true))
                .isEqualTo(ProtocolDetector.Kind.LINE);
        assertThat(ProtocolDetector.detect(Unpooled.wrappedBuffer("GET / HTTQ".getBytes(StandardCharsets.US_ASCII)), true))
                .isEqualTo(ProtocolDetector.Kind.LINE);
        assertThat(ProtocolDetector.detect(Unpooled.wrappedBuffer("GET / HTTP/".getBytes(StandardCharsets.US_ASCII)), false))
                .isEqualTo(ProtocolDetector.Kind.LINE);
        assertThat(ProtocolDetector.detect(Unpooled.wrappedBuffer(new byte[] {0x16}), true)).isNull();
        assertThat(ProtocolDetector.detect(Unpooled.wrappedBuffer(new byte[] {0}), true))
                .isEqualTo(ProtocolDetector.Kind.LENGTH);
        assertThat(ProtocolDetector.detect(Unpooled.wrappedBuffer(("GET /" + "a".repeat(9000)).getBytes(StandardCharsets.US_ASCII)), true))
                .as("a request line past any real one is a line").isEqualTo(ProtocolDetector.Kind.LINE);
    }

    @Test
    void aRefusedLineClientHearsWhyOnceItsKindIsKnown() {
        EmbeddedChannel listening = new EmbeddedChannel(new dev.relay.core.handler.ConnectionLimitHandler(1, 0));
        channels.add(listening);
        EmbeddedChannel counted = new EmbeddedChannel(DefaultChannelId.newInstance(), false, false);
        EmbeddedChannel refused = new EmbeddedChannel(DefaultChannelId.newInstance(), false, false);
        listening.writeInbound(counted, refused);
        listening.releaseInbound();
        register(counted);
        channels.add(counted);
        refused.pipeline().addLast(new ProtocolDetector(chats, web, config.chatLimits().arrivalWindow()));
        register(refused);
        channels.add(refused);
        send(refused, "hi\n");
        assertThat(written(refused))
                .isEqualTo("ERR too-many-connections The server has its maximum of 1 connections; try again later\n");
        assertThat(refused.isOpen()).isFalse();
    }
}
