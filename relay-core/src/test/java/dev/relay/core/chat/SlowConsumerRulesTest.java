package dev.relay.core.chat;

import static dev.relay.core.chat.ChatFixture.lines;
import static dev.relay.core.chat.ChatFixture.type;
import static org.assertj.core.api.Assertions.assertThat;

import dev.relay.core.RoomRegistry;
import dev.relay.core.SlowConsumerGuard;
import dev.relay.core.SlowConsumerPolicy;
import dev.relay.core.codec.FrameCodec;
import dev.relay.core.codec.Framing;
import dev.relay.core.handler.ReadGateHandler;
import dev.relay.testing.FlushValve;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandler;
import io.netty.channel.DefaultChannelId;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.timeout.IdleStateHandler;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The slow-consumer rules with time in them (grace period, read gate, stalled frames, close deadlines)
 * and the server-wide budget, on EmbeddedChannels whose clocks the tests advance.
 */
class SlowConsumerRulesTest {

    private static final int SOFT = 4096;
    private static final int HARD = 64 * 1024;
    private static final Duration GRACE = Duration.ofSeconds(1);
    private final FrameCodec codec = new FrameCodec(Framing.LINE, 2048);
    private final List<EmbeddedChannel> channels = new ArrayList<>();

    @AfterEach
    void release() {
        channels.forEach(EmbeddedChannel::finishAndReleaseAll);
    }

    private static ChatHandler chat(SlowConsumerGuard guard) {
        RoomRegistry rooms = new RoomRegistry(guard);
        SessionRegistry sessions = new SessionRegistry();
        return new ChatHandler(rooms, sessions, new LocalDelivery(rooms, sessions), "lobby",
                new ChatLimits(100, 100, Duration.ofSeconds(2)).withArrivalWindow(Duration.ZERO)
                        .withPresenceDelay(java.time.Duration.ZERO));
    }

    private static SlowConsumerGuard.Builder limits() {
        return SlowConsumerGuard.builder().maxPendingBytes(SOFT).maxPendingBytesHard(HARD).grace(GRACE)
                .maxPendingTotal(Long.MAX_VALUE);
    }

    private EmbeddedChannel connect(ChatHandler chat, String nick, ChannelHandler... before) {
        return connect(chat, nick, List.of(before), List.of());
    }

    /** With {@code before} ahead of the framing, and {@code after} between the framing and the read gate. */
    private EmbeddedChannel connect(ChatHandler chat, String nick, List<ChannelHandler> before,
            List<ChannelHandler> after) {
        List<ChannelHandler> handlers = new ArrayList<>(before);
        handlers.add(codec.newDecoder());
        handlers.add(codec.encoder());
        handlers.addAll(after);
        handlers.add(new ReadGateHandler());
        handlers.add(ChatTesting.protocol(chat));
        EmbeddedChannel channel = new EmbeddedChannel(DefaultChannelId.newInstance(),
                handlers.toArray(new ChannelHandler[0]));
        channels.add(channel);
        type(channel, "/nick " + nick);
        return channel;
    }

    /** Moves the channel's clock on in steps of 50 ms, running what falls due (the guard's sweep every 100 ms). */
    private static void advance(EmbeddedChannel channel, long millis) {
        for (long done = 0; done < millis; done += 50) {
            channel.advanceTimeBy(Math.min(50, millis - done), TimeUnit.MILLISECONDS);
            channel.runPendingTasks();
        }
    }

    /** Sends lines of about 1 KiB from {@code from} until {@code member} has more than {@code bytes} waiting. */
    private static void fill(EmbeddedChannel from, EmbeddedChannel member, long bytes) {
        for (int i = 0; i < 1000 && member.isOpen() && SlowConsumerGuard.pendingBytes(member) <= bytes; i++) {
            type(from, i + " " + "x".repeat(1000));
            from.runPendingTasks();
            member.runPendingTasks();
        }
    }

    private static void drain(EmbeddedChannel channel) {
        channel.runPendingTasks();
        for (Object out; (out = channel.readOutbound()) != null; ) {
            ((ByteBuf) out).release();
        }
    }

    @Test
    void aMemberBehindForAMomentIsLeftAloneAndOneThatStaysBehindIsCutAfterTheGrace() {
        ChatHandler chat = chat(limits().build());
        EmbeddedChannel alice = connect(chat, "alice", new FlushValve().open());
        FlushValve valve = new FlushValve();
        EmbeddedChannel pausing = connect(chat, "pausing", valve);
        lines(alice);

        fill(alice, pausing, SOFT);
        advance(pausing, 800);
        assertThat(pausing.isOpen()).as("over the soft limit for less than the grace").isTrue();
        valve.open();
        pausing.flush();
        drain(pausing); // it read everything: below the limit again
        valve.shut();

        fill(alice, pausing, SOFT);
        advance(pausing, 800);
        assertThat(pausing.isOpen()).as("the grace started again when it caught up").isTrue();
        advance(pausing, 400);
        assertThat(pausing.isOpen()).as("over the soft limit for longer than the grace").isFalse();
        assertThat(lines(alice)).contains(
                "QUIT lobby pausing too slow: more than 4096 bytes waiting, and less than that read, for more than 1000 ms");
    }

    @Test
    void aMemberOverTheHardLimitIsCutAtOnce() {
        ChatHandler chat = chat(limits().build());
        EmbeddedChannel alice = connect(chat, "alice", new FlushValve().open());
        EmbeddedChannel stuck = connect(chat, "stuck", new FlushValve());
        lines(alice);
        fill(alice, stuck, HARD + 4096);
        assertThat(stuck.isOpen()).isFalse();
        assertThat(lines(alice)).contains("QUIT lobby stuck too slow: over 65536 bytes waiting to be read");
    }

    @Test
    void underDropTheGraceAppliesTooThenMessagesAreSkippedAndCounted() {
        SlowConsumerGuard guard = limits().policy(SlowConsumerPolicy.DROP).build();
        ChatHandler chat = chat(guard);
        EmbeddedChannel alice = connect(chat, "alice", new FlushValve().open());
        FlushValve valve = new FlushValve();
        EmbeddedChannel slow = connect(chat, "slow", valve);
        slow.config().setWriteBufferWaterMark(new WriteBufferWaterMark(1024, 2048));
        fill(alice, slow, SOFT);
        assertThat(guard.droppedMessages()).as("nothing dropped within the grace").isZero();
        advance(slow, 1200);
        type(alice, "after the grace");
        alice.runPendingTasks();
        slow.runPendingTasks();
        assertThat(guard.droppedMessages()).isEqualTo(1);
        assertThat(slow.isOpen()).isTrue();
        valve.open();
        slow.flush();
        assertThat(lines(slow)).last().isEqualTo("INFO You missed 1 message because you were reading too slowly");
        drain(alice);
    }

    @Test
    void aClientThatDoesNotReadItsOwnRepliesIsASlowConsumerAfterTheGrace() {
        ChatHandler chat = chat(limits().build());
        EmbeddedChannel alice = connect(chat, "alice", new FlushValve().open());
        EmbeddedChannel asker = connect(chat, "asker", new FlushValve());
        asker.config().setWriteBufferWaterMark(new WriteBufferWaterMark(512, 1024));
        lines(alice);
        asker.writeInbound(Unpooled.copiedBuffer("/help\n".repeat(100), StandardCharsets.UTF_8));
        assertThat(asker.config().isAutoRead()).isFalse();
        assertThat(SlowConsumerGuard.pendingBytes(asker)).as("its replies stay small").isLessThan(SOFT);
        advance(asker, 500);
        assertThat(asker.isOpen()).isTrue();
        advance(asker, 700);
        assertThat(asker.isOpen()).isFalse();
        assertThat(lines(alice)).containsExactly(
                "QUIT lobby asker too slow: did not read its own replies for more than 1000 ms");
    }

    @Test
    void aConnectionHoldingAStalledLargeFrameIsCut() {
        ChatHandler chat = chat(limits().build());
        FrameCodec length = new FrameCodec(Framing.LENGTH, 1 << 20);
        EmbeddedChannel alice = connect(chat, "alice", new FlushValve().open());
        EmbeddedChannel staller = new EmbeddedChannel(DefaultChannelId.newInstance(), length.newDecoder(),
                length.encoder(), new ReadGateHandler(), ChatTesting.protocol(chat));
        channels.add(staller);
        drain(staller);
        lines(alice);
        staller.writeInbound(Unpooled.buffer().writeInt(500_000).writeZero(40_000)); // a frame begun
        advance(staller, 300);
        staller.writeInbound(Unpooled.buffer().writeZero(10_000)); // still coming: not stalled
        advance(staller, 900);
        assertThat(staller.isOpen()).isTrue();
        advance(staller, 500);
        assertThat(staller.isOpen()).as("no progress for longer than the grace").isFalse();
        assertThat(lines(alice)).singleElement().asString()
                .startsWith("QUIT lobby guest2 stalled: sent 50004 bytes of a frame, then nothing for more than 1000 ms");
    }

    @Test
    void theBudgetClosesTheBiggestHoldersFirstAndLeavesTheRest() {
        SlowConsumerGuard guard = limits().maxPendingBytes(1 << 20).maxPendingBytesHard(1 << 20)
                .maxPendingTotal(256 * 1024).build();
        ChatHandler chat = chat(guard);
        EmbeddedChannel alice = connect(chat, "alice", new FlushValve().open());
        EmbeddedChannel big = connect(chat, "big", new FlushValve());
        EmbeddedChannel mid = connect(chat, "mid", new FlushValve());
        EmbeddedChannel small = connect(chat, "small", new FlushValve());
        EmbeddedChannel reader = connect(chat, "reader", new FlushValve().open());
        lines(alice);
        sendPrivately(alice, big, 100);
        sendPrivately(alice, mid, 60);
        sendPrivately(alice, small, 30);
        for (EmbeddedChannel channel : channels) {
            advance(channel, 150);
        }
        assertThat(guard.pendingTotal()).isBetween(190_000L, 256 * 1024L);
        assertThat(channels).allMatch(EmbeddedChannel::isOpen);
        lines(reader);

        for (int i = 0; i < 40; i++) { // 40 KiB more for each of the three: over the budget
            type(alice, "to all " + i + " " + "y".repeat(1000));
        }
        for (EmbeddedChannel channel : channels) {
            advance(channel, 150);
        }
        assertThat(big.isOpen()).as("the biggest holder").isFalse();
        assertThat(mid.isOpen()).isTrue();
        assertThat(small.isOpen()).isTrue();
        assertThat(guard.budgetDisconnects()).isEqualTo(1);
        assertThat(lines(reader)).filteredOn(line -> line.startsWith("MSG ")).hasSize(40);
        assertThat(lines(alice)).anyMatch(line -> line.startsWith(
                "QUIT lobby big too slow: the server's memory budget of 262144 bytes was full, and this connection held the most ("));
    }

    @Test
    void theBudgetClosesAClientThatDoesNotReadBeforeABiggerOneThatDoes() {
        SlowConsumerGuard guard = limits().maxPendingBytes(1 << 20).maxPendingBytesHard(1 << 20)
                .maxPendingTotal(256 * 1024).build();
        ChatHandler chat = chat(guard);
        EmbeddedChannel alice = connect(chat, "alice", new FlushValve().open());
        FlushValve readerValve = new FlushValve();
        EmbeddedChannel behind = connect(chat, "behind", readerValve);
        EmbeddedChannel stuck = connect(chat, "stuck", new FlushValve());
        lines(alice);
        sendPrivately(alice, stuck, 60);
        sendPrivately(alice, behind, 60);
        for (EmbeddedChannel channel : channels) {
            advance(channel, 600); // six sweeps: stuck takes nothing of what waits for it, nor does behind yet
        }
        // behind reads all it has, then falls behind again in a burst, to more than stuck holds
        readerValve.open();
        behind.flush();
        readerValve.shut();
        lines(behind);
        sendPrivately(alice, behind, 130);
        for (EmbeddedChannel channel : channels) {
            advance(channel, 150);
        }
        assertThat(channels).allMatch(EmbeddedChannel::isOpen);

        for (int i = 0; i < 40; i++) { // 40 KiB more for each: over the budget
            type(alice, "to all " + i + " " + "y".repeat(1000));
        }
        assertThat(SlowConsumerGuard.pendingBytes(behind)).as("behind holds the most")
                .isGreaterThan(SlowConsumerGuard.pendingBytes(stuck) + 64 * 1024);
        for (EmbeddedChannel channel : channels) {
            advance(channel, 150);
        }
        assertThat(stuck.isOpen()).as("not reading: closed first").isFalse();
        assertThat(behind.isOpen()).as("reading, only behind").isTrue();
        assertThat(alice.isOpen()).as("the sender holds nothing that waits for it").isTrue();
        assertThat(guard.budgetDisconnects()).isEqualTo(1);
        assertThat(lines(alice)).anyMatch(line -> line.startsWith("QUIT lobby stuck too slow: the server's "
                + "memory budget of 262144 bytes was full, and this connection held ")
                && line.endsWith(" bytes it was not reading"));
    }

    private static void sendPrivately(EmbeddedChannel from, EmbeddedChannel to, int kib) {
        String nick = Session.of(to).nick();
        for (int i = 0; i < kib; i++) {
            type(from, "/msg " + nick + " " + "z".repeat(1000));
        }
        from.runPendingTasks();
        to.runPendingTasks();
    }

    @Test
    void anIdleClientThatDoesNotReadIsClosedByTheDeadline() {
        ChatHandler chat = chat(limits().build());
        EmbeddedChannel alice = connect(chat, "alice", new FlushValve().open());
        EmbeddedChannel ghost = connect(chat, "ghost", List.of(new FlushValve()),
                List.of(new IdleStateHandler(5, 0, 0, TimeUnit.SECONDS), new IdleCloser(Duration.ofSeconds(2))));
        lines(alice);
        advance(ghost, 5100);
        assertThat(lines(alice)).as("the room hears at once")
                .containsExactly("QUIT lobby ghost idle: sent nothing for too long");
        assertThat(ghost.isOpen()).as("BYE is not read yet").isTrue();
        advance(ghost, 2100);
        assertThat(ghost.isOpen()).as("closed by the close deadline").isFalse();
    }

    @Test
    void aQuitToAClientThatDoesNotReadIsClosedByTheDeadline() {
        ChatHandler chat = chat(limits().build());
        EmbeddedChannel alice = connect(chat, "alice", new FlushValve().open());
        EmbeddedChannel zombie = connect(chat, "zombie", new FlushValve());
        type(zombie, "/quit bye all");
        assertThat(lines(alice)).endsWith("QUIT lobby zombie bye all");
        assertThat(zombie.isOpen()).isTrue();
        advance(zombie, 1900);
        assertThat(zombie.isOpen()).isTrue();
        advance(zombie, 200);
        assertThat(zombie.isOpen()).isFalse();
    }
}
