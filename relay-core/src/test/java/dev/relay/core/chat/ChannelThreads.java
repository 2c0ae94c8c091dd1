package dev.relay.core.chat;

import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * The harness of the concurrency tests: threads that start together, each driving EmbeddedChannels of
 * its own against registries they share. Channel i of thread t is {@code channels[t][i]}; the test fills
 * them in. EmbeddedChannels without a frame codec are skipped by room traffic, so no thread ever writes
 * to another's channel, and their own replies arrive as strings.
 */
final class ChannelThreads implements AutoCloseable {

    /** Work for one thread, given its index. */
    interface PerThread {
        void run(int thread) throws Exception;
    }

    final int threads;
    final EmbeddedChannel[][] channels;
    private final ExecutorService pool;

    ChannelThreads(int threads, int perThread) {
        this.threads = threads;
        this.channels = new EmbeddedChannel[threads][perThread];
        this.pool = Executors.newFixedThreadPool(threads);
    }

    /** Runs {@code task} on every thread at once (they start together) and waits for all of them. */
    void onAll(PerThread task) throws Exception {
        CyclicBarrier start = new CyclicBarrier(threads);
        List<Future<?>> running = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            int thread = t;
            running.add(pool.submit(() -> {
                start.await();
                task.run(thread);
                return null;
            }));
        }
        for (Future<?> future : running) {
            future.get(60, TimeUnit.SECONDS);
        }
    }

    static void type(EmbeddedChannel channel, String line) {
        channel.writeInbound(Unpooled.copiedBuffer(line, StandardCharsets.UTF_8));
    }

    /** The replies written to {@code channel} since the last call that {@code keep} accepts; anything else is released. */
    static List<String> replies(EmbeddedChannel channel, Predicate<String> keep) {
        List<String> replies = new ArrayList<>();
        for (Object reply; (reply = channel.readOutbound()) != null; ) {
            if (reply instanceof String line && keep.test(line)) {
                replies.add(line);
            } else {
                io.netty.util.ReferenceCountUtil.release(reply); // a left-out line, or the empty flush before a close
            }
        }
        return replies;
    }

    @Override
    public void close() {
        pool.shutdownNow();
        for (EmbeddedChannel[] mine : channels) {
            for (EmbeddedChannel channel : mine) {
                if (channel != null) {
                    channel.finishAndReleaseAll();
                }
            }
        }
    }
}
