package dev.relay.testing;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.util.ResourceLeakDetector;
import io.netty.util.ResourceLeakDetectorFactory;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Fails a test class when Netty reports a leaked buffer. Registered for every test JVM of every module
 * through JUnit's extension auto-detection (this module's test-jar carries the registration), and
 * meant to run with {@code -Dio.netty.leakDetection.level=paranoid}, which the parent pom sets.
 *
 * <p>Netty reports a leak only when a tracked buffer has been garbage collected without release and a
 * later allocation polls the reference queue, so after each class this forces a few collections and
 * allocations before looking at what was reported. A leak found then is blamed on the class that just
 * ran; it may have come from an earlier class in the same JVM, but it always fails the build.
 */
public final class LeakDetectionExtension implements AfterAllCallback {

    private static final List<String> LEAKS = new ArrayList<>();

    static {
        ResourceLeakDetectorFactory.setResourceLeakDetectorFactory(new RecordingFactory());
    }

    @Override
    public void afterAll(ExtensionContext context) {
        for (int i = 0; i < 5; i++) {
            System.gc();
            for (ByteBufAllocator alloc : List.of(PooledByteBufAllocator.DEFAULT,
                    UnpooledByteBufAllocator.DEFAULT, ByteBufAllocator.DEFAULT)) {
                ByteBuf probe = alloc.directBuffer(16);
                probe.release();
                probe = alloc.heapBuffer(16);
                probe.release();
            }
        }
        List<String> found;
        synchronized (LEAKS) {
            found = new ArrayList<>(LEAKS);
            LEAKS.clear();
        }
        if (!found.isEmpty()) {
            throw new AssertionError("Netty reported " + found.size() + " leaked resource(s) by the end of "
                    + context.getDisplayName() + ":\n" + String.join("\n\n", found));
        }
    }

    private static void record(String report) {
        synchronized (LEAKS) {
            LEAKS.add(report);
        }
    }

    private static final class RecordingFactory extends ResourceLeakDetectorFactory {
        @Override
        @SuppressWarnings("deprecation")
        public <T> ResourceLeakDetector<T> newResourceLeakDetector(Class<T> resource, int samplingInterval,
                long maxActive) {
            return new RecordingDetector<>(resource, samplingInterval);
        }
    }

    private static final class RecordingDetector<T> extends ResourceLeakDetector<T> {
        RecordingDetector(Class<T> resource, int samplingInterval) {
            super(resource, samplingInterval);
        }

        @Override
        protected boolean needReport() {
            return true;
        }

        @Override
        protected void reportTracedLeak(String resourceType, String records) {
            record("LEAK: " + resourceType + records);
            super.reportTracedLeak(resourceType, records);
        }

        @Override
        protected void reportUntracedLeak(String resourceType) {
            record("LEAK: " + resourceType + " (enable paranoid leak detection for its records)");
            super.reportUntracedLeak(resourceType);
        }
    }
}
