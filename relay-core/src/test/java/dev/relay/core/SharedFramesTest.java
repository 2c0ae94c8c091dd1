package dev.relay.core;

import static org.assertj.core.api.Assertions.assertThat;

import dev.relay.core.codec.FrameCodec;
import dev.relay.core.codec.Framing;
import dev.relay.testing.FlushValve;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import io.netty.channel.DefaultChannelId;
import io.netty.channel.embedded.EmbeddedChannel;
import java.nio.channels.ClosedChannelException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Frames of at least {@link LoopFanOut#SHARE_BYTES} go to members by reference: a view of the one
 * encoded buffer, behind whatever was batched before it; smaller ones are copied into the batch. Either
 * way each member's channel counts the bytes, so the per-member limits and the budget see no difference.
 */
class SharedFramesTest {

    private static final FrameCodec CODEC = new FrameCodec(Framing.LENGTH);
    private final List<EmbeddedChannel> channels = new ArrayList<>();

    /** Records where the bytes of each buffer written towards the socket live. */
    private static final class WriteRecorder extends ChannelOutboundHandlerAdapter {
        final List<Long> addresses = new ArrayList<>();
        final List<Integer> sizes = new ArrayList<>();

        @Override
        public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
            ByteBuf buf = (ByteBuf) msg;
            addresses.add(buf.hasMemoryAddress() ? buf.memoryAddress() + buf.readerIndex() : -1);
            sizes.add(buf.readableBytes());
            ctx.write(msg, promise);
        }
    }

    private EmbeddedChannel member(WriteRecorder recorder, FlushValve valve) throws Exception {
        EmbeddedChannel channel = new EmbeddedChannel(DefaultChannelId.newInstance(), false, false);
        channel.config().setMessageSizeEstimator(HeldBytesEstimator.INSTANCE);
        channel.pipeline().addLast(valve, recorder);
        CODEC.addTo(channel.pipeline(), "decoder", "encoder");
        channel.register();
        channels.add(channel);
        return channel;
    }

    @AfterEach
    void close() {
        for (EmbeddedChannel channel : channels) {
            try {
                channel.finishAndReleaseAll();
            } catch (Exception e) { // rethrown unchecked by EmbeddedChannel
                // a member the guard closed: its queued writes failed as they were dropped, as they should
                if (!(e instanceof ClosedChannelException)) {
                    throw new AssertionError(e);
                }
            }
        }
    }

    /** The payloads of the length-prefixed frames written to {@code channel}, in order. */
    private static List<String> frames(EmbeddedChannel channel) {
        channel.runPendingTasks();
        List<String> payloads = new ArrayList<>();
        for (ByteBuf out; (out = channel.readOutbound()) != null; ) {
            while (out.isReadable()) {
                int length = out.readInt();
                payloads.add(out.readCharSequence(length, StandardCharsets.UTF_8).toString());
            }
            out.release();
        }
        return payloads;
    }

    @Test
    void largeFramesAreSharedBehindWhatWasBatchedAndSmallOnesCopiedInOrder() throws Exception {
        RoomRegistry rooms = new RoomRegistry();
        List<WriteRecorder> recorders = List.of(new WriteRecorder(), new WriteRecorder());
        EmbeddedChannel a = member(recorders.get(0), new FlushValve().open());
        EmbeddedChannel b = member(recorders.get(1), new FlushValve().open());
        Room room = rooms.join("room", a);
        rooms.join("room", b);
        String big = "B".repeat(LoopFanOut.SHARE_BYTES);
        String small = "s".repeat(LoopFanOut.SHARE_BYTES - 5); // 4 bytes of prefix: one short of shared

        room.broadcast(null, "first");
        room.broadcast(null, big);
        room.broadcast(null, small);
        room.broadcast(null, "last");

        for (EmbeddedChannel member : List.of(a, b)) {
            assertThat(frames(member)).containsExactly("first", big, small, "last");
        }
        for (WriteRecorder recorder : recorders) {
            // the batch before the big frame, the big frame itself, then the batch of what came after it
            assertThat(recorder.sizes).containsExactly(4 + 5, 4 + big.length(), 4 + small.length() + 4 + 4);
        }
        assertThat(recorders.get(0).addresses.get(1)).as("the same bytes, not a copy each")
                .isEqualTo(recorders.get(1).addresses.get(1)).isNotEqualTo(-1L);
        assertThat(recorders.get(0).addresses.get(0)).as("batches are each member's own")
                .isNotEqualTo(recorders.get(1).addresses.get(0));
    }

    @Test
    void aSharedFrameCountsInFullForEachMemberItWaitsFor() throws Exception {
        long cap = 3L * (LoopFanOut.SHARE_BYTES + 100);
        SlowConsumerGuard guard = SlowConsumerGuard.builder().maxPendingBytes(cap).maxPendingBytesHard(cap).build();
        RoomRegistry rooms = new RoomRegistry(guard);
        EmbeddedChannel reader = member(new WriteRecorder(), new FlushValve().open());
        EmbeddedChannel stuck = member(new WriteRecorder(), new FlushValve()); // never lets a flush through
        EmbeddedChannel alsoStuck = member(new WriteRecorder(), new FlushValve());
        Room room = rooms.join("room", reader);
        rooms.join("room", stuck);
        rooms.join("room", alsoStuck);
        String big = "B".repeat(LoopFanOut.SHARE_BYTES + 100);

        room.broadcast(null, big);
        room.broadcast(null, big);
        stuck.runPendingTasks();
        for (EmbeddedChannel member : List.of(stuck, alsoStuck)) {
            assertThat(SlowConsumerGuard.pendingBytes(member)).as("two shared frames held")
                    .isGreaterThanOrEqualTo(2L * (4 + big.length()));
        }
        for (int i = 0; i < 3; i++) {
            room.broadcast(null, big);
        }
        reader.runPendingTasks();
        assertThat(stuck.isOpen()).as("over its cap by shared frames alone").isFalse();
        assertThat(alsoStuck.isOpen()).isFalse();
        assertThat(guard.disconnectedMembers()).isEqualTo(2);
        assertThat(reader.isOpen()).isTrue();
        assertThat(frames(reader)).hasSize(5).allMatch(big::equals);
    }

    @Test
    void aMemberThatIsBehindGetsItsOwnCopySoClosingItFreesWhatItHolds() throws Exception {
        RoomRegistry rooms = new RoomRegistry();
        WriteRecorder readerWrites = new WriteRecorder();
        WriteRecorder behindWrites = new WriteRecorder();
        EmbeddedChannel reader = member(readerWrites, new FlushValve().open());
        EmbeddedChannel behind = member(behindWrites, new FlushValve()); // never lets a flush through
        behind.config().setWriteBufferWaterMark(new io.netty.channel.WriteBufferWaterMark(1, 2));
        Room room = rooms.join("room", reader);
        rooms.join("room", behind);
        String big = "B".repeat(LoopFanOut.SHARE_BYTES);

        room.broadcast(null, big); // behind is still writable: shared
        behind.runPendingTasks();
        assertThat(behind.isWritable()).isFalse();
        room.broadcast(null, big); // now it is not: a copy of its own
        behind.runPendingTasks(); // the pass's flush writes its batch
        frames(reader);

        assertThat(behindWrites.addresses.get(0)).isEqualTo(readerWrites.addresses.get(0));
        assertThat(behindWrites.addresses.get(1)).as("a copy, not the frame the reader got")
                .isNotEqualTo(readerWrites.addresses.get(1));
        assertThat(behindWrites.sizes).containsExactly(4 + big.length(), 4 + big.length());
    }
}
