package dev.relay.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.relay.core.codec.FrameCodec;
import dev.relay.core.codec.Framing;
import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import io.netty.channel.EventLoop;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.local.LocalAddress;
import io.netty.channel.local.LocalChannel;
import io.netty.channel.local.LocalIoHandler;
import io.netty.channel.local.LocalServerChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The fan-out on real event loops: members on the broadcaster's loop and on another one, over the
 * in-VM local transport. Each member counts the flushes that reach its socket end; each member's peer
 * collects the lines it receives.
 */
class RoomFanOutTest {

    private static final int MESSAGES = 200;

    private final MultiThreadIoEventLoopGroup group = new MultiThreadIoEventLoopGroup(2, LocalIoHandler.newFactory());
    private final EventLoop loopA = group.next();
    private final EventLoop loopB = group.next();
    private final LocalAddress address = new LocalAddress("fan-out-" + System.nanoTime());
    private final Map<String, Queue<String>> received = new ConcurrentHashMap<>();
    private RoomRegistry rooms = new RoomRegistry();
    private Channel server;
    private final List<Channel> clients = new ArrayList<>();

    /** Counts flushes and bytes on their way to the socket; first in a member's pipeline. */
    private static final class FlushCounter extends ChannelOutboundHandlerAdapter {
        final AtomicInteger flushes = new AtomicInteger();
        final AtomicLong written = new AtomicLong();

        @Override
        public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
            if (msg instanceof ByteBuf buf) {
                written.addAndGet(buf.readableBytes());
            }
            ctx.write(msg, promise);
        }

        @Override
        public void flush(ChannelHandlerContext ctx) {
            flushes.incrementAndGet();
            ctx.flush();
        }
    }

    private record Member(Channel channel, FlushCounter counter, Queue<String> lines) {
    }

    @AfterEach
    void stop() throws InterruptedException {
        for (Channel client : clients) {
            client.close().sync();
        }
        if (server != null) {
            server.close().sync();
        }
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
    }

    /**
     * Blocks {@code loop} (for at most 5 s) until the returned latch is counted down, so that what is
     * handed to it meanwhile queues up; returns once the loop is held.
     */
    private static CountDownLatch hold(EventLoop loop) throws InterruptedException {
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch held = new CountDownLatch(1);
        loop.execute(() -> {
            held.countDown();
            try {
                release.await(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        assertThat(held.await(5, TimeUnit.SECONDS)).isTrue();
        return release;
    }

    private void startServer() throws InterruptedException {
        FrameCodec codec = new FrameCodec(Framing.LINE);
        server = new ServerBootstrap().group(group).channel(LocalServerChannel.class)
                .childHandler(new ChannelInitializer<LocalChannel>() {
                    @Override
                    protected void initChannel(LocalChannel ch) {
                        ch.pipeline().addLast(codec.newDecoder(), new ChannelInboundHandlerAdapter() {
                            private Queue<String> lines;

                            @Override
                            public void channelRead(ChannelHandlerContext ctx, Object msg) {
                                ByteBuf frame = (ByteBuf) msg;
                                String line = frame.toString(StandardCharsets.UTF_8);
                                frame.release();
                                if (lines == null) { // the first line names the peer
                                    lines = received.computeIfAbsent(line, k -> new ConcurrentLinkedQueue<>());
                                } else {
                                    lines.add(line);
                                }
                            }
                        });
                    }
                }).bind(address).sync().channel();
    }

    private Member member(String name, EventLoop loop) throws InterruptedException {
        FlushCounter counter = new FlushCounter();
        FrameCodec codec = new FrameCodec(Framing.LINE);
        Channel channel = new Bootstrap().group(loop).channel(LocalChannel.class)
                .handler(new ChannelInitializer<LocalChannel>() {
                    @Override
                    protected void initChannel(LocalChannel ch) {
                        codec.addTo(ch.pipeline(), "decoder", "encoder");
                        ch.pipeline().addFirst(counter);
                    }
                }).connect(address).sync().channel();
        clients.add(channel);
        channel.writeAndFlush(name).sync();
        await().atMost(Duration.ofSeconds(5)).until(() -> received.containsKey(name));
        counter.flushes.set(0);
        return new Member(channel, counter, received.get(name));
    }

    @Test
    void aBurstReachesEveryMemberOnEveryLoopInOrderWithOneFlushPerMemberPerPass() throws Exception {
        startServer();
        Member sender = member("sender", loopA);
        List<Member> sameLoop = List.of(member("a1", loopA), member("a2", loopA));
        List<Member> otherLoop = List.of(member("b1", loopB), member("b2", loopB));
        Room room = null;
        for (Member m : List.of(sender, sameLoop.get(0), sameLoop.get(1), otherLoop.get(0), otherLoop.get(1))) {
            room = rooms.join("room", m.channel());
        }
        Room target = room;

        // Hold loop B so the whole burst is queued for it before it drains.
        CountDownLatch holdB = hold(loopB);
        loopA.submit(() -> {
            for (int i = 0; i < MESSAGES; i++) {
                target.broadcast(sender.channel(), "message " + i);
            }
        }).sync();
        holdB.countDown();

        List<String> expected = new ArrayList<>();
        for (int i = 0; i < MESSAGES; i++) {
            expected.add("message " + i);
        }
        for (Member m : List.of(sameLoop.get(0), sameLoop.get(1), otherLoop.get(0), otherLoop.get(1))) {
            await().atMost(Duration.ofSeconds(5)).until(() -> m.lines().size() >= MESSAGES);
            assertThat(new ArrayList<>(m.lines())).as("lines to %s", m.channel()).isEqualTo(expected);
            assertThat(m.counter().flushes.get()).as("flushes to %s", m.channel()).isEqualTo(1);
        }
        assertThat(sender.lines()).as("no echo").isEmpty();
        assertThat(sender.counter().flushes.get()).isZero();
    }

    @Test
    void broadcastsFromAThreadOutsideTheLoopsAndAfterALeaveReachExactlyTheMembers() throws Exception {
        startServer();
        Member a = member("a", loopA);
        Member b = member("b", loopB);
        Member gone = member("gone", loopB);
        Room room = rooms.join("room", a.channel());
        rooms.join("room", b.channel());
        rooms.join("room", gone.channel());
        rooms.leave(room, gone.channel());
        room.broadcast(null, "from outside");
        gone.channel().close().sync();
        room.broadcast(null, "after a close");

        await().atMost(Duration.ofSeconds(5)).until(() -> a.lines().size() >= 2 && b.lines().size() >= 2);
        assertThat(new ArrayList<>(a.lines())).containsExactly("from outside", "after a close");
        assertThat(new ArrayList<>(b.lines())).containsExactly("from outside", "after a close");
        assertThat(gone.lines()).isEmpty();
        assertThat(room.size()).isEqualTo(2);
    }

    /** A message that counts how often its first character is read: once per encoding. */
    private static final class CountingText implements CharSequence {
        private final String text;
        final AtomicInteger firstCharReads = new AtomicInteger();

        CountingText(String text) {
            this.text = text;
        }

        @Override
        public int length() {
            return text.length();
        }

        @Override
        public char charAt(int index) {
            if (index == 0) {
                firstCharReads.incrementAndGet();
            }
            return text.charAt(index);
        }

        @Override
        public CharSequence subSequence(int start, int end) {
            return text.subSequence(start, end);
        }

        @Override
        public String toString() {
            return text;
        }
    }

    @Test
    void aMessageIsEncodedOnceHoweverManyMembersAndLoopsHearIt() throws Exception {
        startServer();
        List<Member> members = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            members.add(member("m" + i, i % 2 == 0 ? loopA : loopB));
        }
        Room room = rooms.join("room", members.get(0).channel());
        CountingText alone = new CountingText("alone");
        loopA.submit(() -> room.broadcast(null, alone)).sync();
        for (Member m : members.subList(1, members.size())) {
            rooms.join("room", m.channel());
        }
        CountingText everyone = new CountingText("everyone");
        loopA.submit(() -> room.broadcast(null, everyone)).sync();

        for (Member m : members) {
            await().atMost(Duration.ofSeconds(5)).until(() -> m.lines().contains("everyone"));
        }
        assertThat(alone.firstCharReads.get()).isPositive();
        assertThat(everyone.firstCharReads.get()).as("reads of a message for 6 members on 2 loops, vs for 1")
                .isEqualTo(alone.firstCharReads.get());
    }

    @Test
    void aBurstBiggerThanTheSlowConsumerCapReachesAMemberThatReads() throws Exception {
        // 2000 lines of 100 bytes in one pass: 200 KB for a member whose cap is 100 KiB. It reads at once,
        // so it must get them all; only bytes it has not taken may count against it.
        rooms = new RoomRegistry(new SlowConsumerGuard(100 * 1024, SlowConsumerPolicy.DISCONNECT));
        startServer();
        Member reader = member("reader", loopA);
        Room room = rooms.join("room", reader.channel());
        String line = "x".repeat(99);
        loopA.submit(() -> {
            for (int i = 0; i < 2000; i++) {
                room.broadcast(null, line);
            }
        }).sync();
        await().atMost(Duration.ofSeconds(5)).until(() -> reader.lines().size() >= 2000);
        assertThat(reader.channel().isActive()).isTrue();
        assertThat(rooms.guard().disconnectedMembers()).isZero();
    }

    @Test
    void aPrivateMessageStaysBehindRoomTrafficSentBeforeItEvenWithABacklog() throws Exception {
        startServer();
        Member target = member("target", loopB);
        Room room = rooms.join("room", target.channel());
        int backlog = 5000; // 5 MB: more than one drain pass takes, so the drain goes on in the next pass
        String padding = " " + "p".repeat(1000);
        CountDownLatch holdB = hold(loopB);
        loopA.submit(() -> {
            for (int i = 0; i < backlog; i++) {
                room.broadcast(null, "m" + i + padding);
            }
            rooms.sendTo(target.channel(), "private");
        }).sync();
        holdB.countDown();

        await().atMost(Duration.ofSeconds(10)).until(() -> target.lines().size() >= backlog + 1);
        List<String> got = new ArrayList<>(target.lines());
        assertThat(got).hasSize(backlog + 1);
        assertThat(got.get(backlog)).isEqualTo("private");
        assertThat(got.get(backlog - 1)).isEqualTo("m" + (backlog - 1) + padding);
    }

    @Test
    void aBacklogOfHandOffsLetsTheLoopServeOtherWorkBetweenItsParts() throws Exception {
        startServer();
        Member target = member("target", loopB);
        Room room = rooms.join("room", target.channel());
        int backlog = 20_000;
        String padding = " " + "p".repeat(1000); // 20 MB in all: several drain passes' worth
        CountDownLatch holdB = hold(loopB);
        loopA.submit(() -> {
            for (int i = 0; i < backlog; i++) {
                room.broadcast(null, "m" + i + padding);
            }
        }).sync();
        // queued behind the drain, as a new connection's registration or a reply would be
        AtomicLong writtenWhenServed = new AtomicLong(-1);
        loopB.execute(() -> writtenWhenServed.set(target.counter().written.get()));
        holdB.countDown();

        await().atMost(Duration.ofSeconds(20)).until(() -> target.lines().size() >= backlog);
        long total = target.counter().written.get();
        assertThat(writtenWhenServed.get()).as("the task ran after a part of the backlog, not after all of it")
                .isPositive().isLessThan(total / 2);
        assertThat(target.lines()).hasSize(backlog).last().isEqualTo("m" + (backlog - 1) + padding);
    }
}
