package dev.relay.core.chat;

import static dev.relay.core.chat.ChatFixture.lines;
import static dev.relay.core.chat.ChatFixture.type;
import static org.assertj.core.api.Assertions.assertThat;

import dev.relay.core.RoomRegistry;
import dev.relay.core.SlowConsumerGuard;
import dev.relay.core.SlowConsumerPolicy;
import dev.relay.core.codec.FrameCodec;
import dev.relay.core.codec.Framing;
import dev.relay.testing.FlushValve;
import io.netty.buffer.ByteBuf;
import io.netty.channel.DefaultChannelId;
import io.netty.channel.embedded.EmbeddedChannel;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class SlowConsumerTest {

    private static final int CAP = 1024;
    private final FrameCodec codec = new FrameCodec(Framing.LINE, 256);
    private final List<EmbeddedChannel> channels = new ArrayList<>();

    private ChatHandler chat(SlowConsumerPolicy policy) {
        RoomRegistry rooms = new RoomRegistry(new SlowConsumerGuard(CAP, policy));
        SessionRegistry sessions = new SessionRegistry();
        return new ChatHandler(rooms, sessions, new LocalDelivery(rooms, sessions), "lobby",
                ChatLimits.DEFAULTS.withArrivalWindow(java.time.Duration.ZERO)
                        .withPresenceDelay(java.time.Duration.ZERO));
    }

    private EmbeddedChannel connect(ChatHandler chat, FlushValve valve, String nick) {
        EmbeddedChannel channel = new EmbeddedChannel(DefaultChannelId.newInstance(), valve, codec.newDecoder(),
                codec.encoder(), ChatTesting.protocol(chat));
        channels.add(channel);
        type(channel, "/nick " + nick);
        return channel;
    }

    @AfterEach
    void release() {
        channels.forEach(EmbeddedChannel::finishAndReleaseAll);
    }

    private static void drop(EmbeddedChannel channel) {
        channel.runPendingTasks();
        for (Object out; (out = channel.readOutbound()) != null; ) {
            ((ByteBuf) out).release();
        }
    }

    @Test
    void aMemberOverTheCapIsDisconnectedAndTheRoomToldWhy() {
        ChatHandler chat = chat(SlowConsumerPolicy.DISCONNECT);
        FlushValve open = new FlushValve().open();
        EmbeddedChannel alice = connect(chat, open, "alice");
        EmbeddedChannel slow = connect(chat, new FlushValve(), "slow");
        lines(alice);
        for (int i = 0; i < 40 && slow.isOpen(); i++) {
            type(alice, "message number " + i + " with some padding to fill the buffer");
        }
        assertThat(slow.isOpen()).isFalse();
        assertThat(SlowConsumerGuard.pendingBytes(slow)).isZero();
        assertThat(chat.rooms().guard().disconnectedMembers()).isEqualTo(1);
        assertThat(lines(alice)).containsExactly(
                "QUIT lobby slow too slow: over " + CAP + " bytes waiting to be read");
    }

    @Test
    void privateMessagesAreBoundedToo() {
        ChatHandler chat = chat(SlowConsumerPolicy.DISCONNECT);
        EmbeddedChannel alice = connect(chat, new FlushValve().open(), "alice");
        EmbeddedChannel slow = connect(chat, new FlushValve(), "slow");
        for (int i = 0; i < 40 && slow.isOpen(); i++) {
            type(alice, "/msg slow private message number " + i + " with padding to fill the buffer");
        }
        assertThat(slow.isOpen()).isFalse();
        assertThat(chat.rooms().guard().disconnectedMembers()).isEqualTo(1);
        drop(alice);
    }

    @Test
    void underDropAMemberMissesMessagesAndIsToldHowManyWhenItCatchesUp() {
        ChatHandler chat = chat(SlowConsumerPolicy.DROP);
        FlushValve open = new FlushValve().open();
        FlushValve slowValve = new FlushValve();
        EmbeddedChannel alice = connect(chat, open, "alice");
        EmbeddedChannel slow = connect(chat, slowValve.open(), "slow");
        slow.flush();
        drop(slow); // its welcome, read
        slowValve.shut();
        slow.config().setWriteBufferWaterMark(new io.netty.channel.WriteBufferWaterMark(256, 512));
        for (int i = 0; i < 40; i++) {
            type(alice, "message number " + i + " with some padding to fill the buffer");
        }
        long missed = chat.rooms().guard().droppedMessages();
        assertThat(missed).isPositive();
        assertThat(SlowConsumerGuard.pendingBytes(slow)).isLessThanOrEqualTo(CAP + 256);
        assertThat(slow.isOpen()).isTrue();

        slowValve.open();
        slow.flush();
        List<String> got = lines(slow);
        assertThat(got).last().isEqualTo("INFO You missed " + missed + " messages because you were reading too slowly");
        assertThat(got).filteredOn(line -> line.startsWith("MSG ")).hasSize(40 - (int) missed);
        drop(alice);
    }
}
