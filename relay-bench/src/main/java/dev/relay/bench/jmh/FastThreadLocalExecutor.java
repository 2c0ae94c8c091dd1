package dev.relay.bench.jmh;

import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.FastThreadLocalThread;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * JMH's worker threads, made {@link FastThreadLocalThread}s like Netty's event loop threads. Netty 4.2
 * gives only such threads a buffer pool thread cache and a {@link io.netty.util.Recycler} pool; on a
 * plain thread every pooled buffer allocates a new {@code PooledByteBuf} object (about 100 bytes), which
 * no event loop does. A benchmark that calls the codec on JMH's own thread selects this executor with
 * {@code -Djmh.executor=CUSTOM -Djmh.executor.class=dev.relay.bench.jmh.FastThreadLocalExecutor}.
 *
 * <p>JMH creates it reflectively through the {@code (int, String)} constructor.
 */
public final class FastThreadLocalExecutor extends ThreadPoolExecutor {

    public FastThreadLocalExecutor(int maxThreads, String prefix) {
        super(maxThreads, maxThreads, 0, TimeUnit.MILLISECONDS, new LinkedBlockingQueue<>(),
                new DefaultThreadFactory(prefix, true));
    }
}
