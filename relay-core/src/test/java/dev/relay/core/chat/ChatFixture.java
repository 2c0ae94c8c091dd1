package dev.relay.core.chat;

import dev.relay.core.RoomRegistry;
import dev.relay.core.codec.FrameCodec;
import dev.relay.core.codec.Framing;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.DefaultChannelId;
import io.netty.channel.embedded.EmbeddedChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** Connections to one shared {@link ChatHandler}, on EmbeddedChannels with a real frame codec. */
final class ChatFixture implements AutoCloseable {

    final RoomRegistry rooms = new RoomRegistry();
    final SessionRegistry sessions = new SessionRegistry();
    final ChatHandler chat;
    private final List<EmbeddedChannel> channels = new ArrayList<>();
    private final FrameCodec lineCodec = new FrameCodec(Framing.LINE, 64);
    private final FrameCodec lengthCodec = new FrameCodec(Framing.LENGTH, 64);

    /**
     * Guests at once, as with no arrival window, and presence sent at once: these tests are about a
     * session's lines, not about when they leave (PresenceTest covers the presence delay).
     */
    ChatFixture() {
        this(ChatLimits.DEFAULTS);
    }

    /** {@code limits}, with guests at once and presence at once. */
    ChatFixture(ChatLimits limits) {
        this(limits.withPresenceDelay(Duration.ZERO), true);
    }

    /** {@code limits} as they are (the presence delay too), with guests at once. */
    ChatFixture(ChatLimits limits, boolean presenceDelayAsGiven) {
        chat = new ChatHandler(rooms, sessions, new LocalDelivery(rooms, sessions), ChatHandler.DEFAULT_ROOM,
                limits.withArrivalWindow(Duration.ZERO));
    }

    EmbeddedChannel connect() {
        return connect(Framing.LINE);
    }

    EmbeddedChannel connect(Framing framing) {
        FrameCodec codec = framing == Framing.LINE ? lineCodec : lengthCodec;
        EmbeddedChannel channel = new EmbeddedChannel(DefaultChannelId.newInstance(),
                codec.newDecoder(), codec.encoder(), ChatTesting.protocol(chat));
        channels.add(channel);
        return channel;
    }

    /** Connects, names the connection and drops everything it was sent so far. */
    EmbeddedChannel connect(String nick) {
        EmbeddedChannel channel = connect();
        type(channel, "/nick " + nick);
        channels.forEach(ChatFixture::lines);
        return channel;
    }

    static void type(EmbeddedChannel channel, String line) {
        channel.writeInbound(Unpooled.copiedBuffer(line + "\n", StandardCharsets.UTF_8));
    }

    static void typeBytes(EmbeddedChannel channel, byte[] bytes) {
        channel.writeInbound(Unpooled.wrappedBuffer(bytes));
    }

    /**
     * Everything written to {@code channel} since the last call, as text lines (LINE framing). Runs the
     * channel's pending tasks first: room traffic is flushed by a task at the end of the loop's pass.
     */
    static List<String> lines(EmbeddedChannel channel) {
        channel.runPendingTasks();
        List<String> lines = new ArrayList<>();
        for (ByteBuf out; (out = channel.readOutbound()) != null; ) {
            String text = out.toString(StandardCharsets.UTF_8);
            out.release();
            for (String line : text.split("\n")) {
                if (!line.isEmpty()) { // an empty buffer flushes ahead of a close
                    lines.add(line);
                }
            }
        }
        return lines;
    }

    @Override
    public void close() {
        for (EmbeddedChannel channel : channels) {
            channel.finishAndReleaseAll();
        }
    }
}
