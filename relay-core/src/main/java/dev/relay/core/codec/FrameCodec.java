package dev.relay.core.codec;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.util.AttributeKey;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * One framing with its limit: the codec a server or client speaks. It hands out the per-channel
 * decoder and the shared encoder, and records itself on each channel it is installed on, so that code
 * writing pre-encoded frames (a room's fan-out) knows how each member's bytes must look.
 *
 * <p>Typical use in an initializer:
 * <pre>{@code
 * FrameCodec codec = new FrameCodec(Framing.LINE, 8192);   // once, shared
 * pipeline.addLast("frameDecoder", codec.newDecoder());    // per channel
 * pipeline.addLast("frameEncoder", codec.encoder());       // shared
 * }</pre>
 *
 * <p>Thread-safety: immutable; share one instance across all channels.
 */
public final class FrameCodec {

    private static final AttributeKey<FrameCodec> KEY = AttributeKey.valueOf(FrameCodec.class, "codec");

    private final Framing framing;
    private final int maxFrameLength;
    private final FrameEncoder encoder;

    /** A codec with the framing's default limit. */
    public FrameCodec(Framing framing) {
        this(framing, framing.defaultMaxFrameLength());
    }

    /**
     * @param maxFrameLength the largest payload accepted, in bytes (delimiter and length prefix not counted)
     */
    public FrameCodec(Framing framing, int maxFrameLength) {
        this.framing = Objects.requireNonNull(framing, "framing");
        Framing.checkMaxFrameLength(maxFrameLength);
        this.maxFrameLength = maxFrameLength;
        this.encoder = new FrameEncoder(this);
    }

    public Framing framing() {
        return framing;
    }

    public int maxFrameLength() {
        return maxFrameLength;
    }

    /** A new decoder: one per channel, since it buffers partial frames. */
    public ByteToMessageDecoder newDecoder() {
        return framing.newDecoder(maxFrameLength);
    }

    /** The shared, stateless encoder: frames outbound {@link CharSequence}s, passes {@link ByteBuf}s through. */
    public FrameEncoder encoder() {
        return encoder;
    }

    /** Encodes one text frame into a new buffer owned by the caller. */
    public ByteBuf encode(ByteBufAllocator alloc, CharSequence text) {
        return framing.encode(alloc, text);
    }

    /** Adds the decoder and the encoder at the end of {@code pipeline} under the given names. */
    public void addTo(ChannelPipeline pipeline, String decoderName, String encoderName) {
        pipeline.addLast(decoderName, newDecoder());
        pipeline.addLast(encoderName, encoder);
    }

    /** The codec installed on {@code channel}, or {@code null} if it has none. Any thread. */
    public static @Nullable FrameCodec of(Channel channel) {
        return channel.attr(KEY).get();
    }

    void install(Channel channel) {
        channel.attr(KEY).set(this);
    }

    @Override
    public String toString() {
        return framing + " framing, max " + maxFrameLength + " bytes";
    }
}
