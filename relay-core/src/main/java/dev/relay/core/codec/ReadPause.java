package dev.relay.core.codec;

import io.netty.channel.Channel;
import io.netty.util.AttributeKey;

/**
 * Tells a channel's frame decoder to stop cutting frames: while paused, the bytes a client sent stay in
 * the decoder's buffer as they came (compact, and counted as held inbound memory) instead of becoming
 * frames that wait one object each. A read gate pauses the decoder when the client stops reading what
 * it is sent, and resumes it (then feeds the decoder an empty read so that it decodes what it holds).
 *
 * <p>Threading: one per channel ({@link #of}); read and written only on the channel's event loop.
 */
public final class ReadPause {

    private static final AttributeKey<ReadPause> KEY = AttributeKey.valueOf(ReadPause.class, "readPause");

    private boolean paused;

    private ReadPause() {
    }

    /** The channel's pause, made on first use. Any thread. */
    public static ReadPause of(Channel channel) {
        ReadPause pause = channel.attr(KEY).get();
        if (pause == null) {
            ReadPause made = new ReadPause();
            pause = channel.attr(KEY).setIfAbsent(made);
            if (pause == null) {
                pause = made;
            }
        }
        return pause;
    }

    public boolean isPaused() {
        return paused;
    }

    public void pause() {
        paused = true;
    }

    public void resume() {
        paused = false;
    }
}
