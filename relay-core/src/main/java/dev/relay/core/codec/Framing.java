package dev.relay.core.codec;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import io.netty.handler.codec.ByteToMessageDecoder;
import java.util.Locale;

/**
 * How frames are cut out of a byte stream. Every framing carries the same payloads (UTF-8 text for the
 * chat protocol, opaque bytes for a raw relay); they differ only in how a frame is delimited.
 *
 * <ul>
 *   <li>{@link #LINE}: a frame is the bytes up to {@code \n}; a {@code \r} right before the {@code \n}
 *       is dropped too. This is what {@code nc} and telnet send.</li>
 *   <li>{@link #LENGTH}: a 4-byte big-endian unsigned length, then that many payload bytes.</li>
 *   <li>{@link #WEBSOCKET}: one WebSocket text message (RFC 6455) per frame. Only its server-to-client
 *       half lives here: {@link #encode} writes an unmasked text frame, so that a room's fan-out encodes
 *       a message once for all its WebSocket members as it does for the stream framings. Decoding
 *       (masks, fragments, control frames) is the WebSocket decoder's job, in the server.</li>
 * </ul>
 *
 * <p>Both decoders emit each frame's payload as a {@link ByteBuf} without its delimiter or length
 * prefix, which the next handler owns and must release. A frame whose payload exceeds the maximum is
 * discarded as it streams in, a {@link io.netty.handler.codec.TooLongFrameException} is fired through
 * {@code exceptionCaught} once per discarded frame, and decoding resumes with the next frame.
 *
 * <p>Thread-safety: the constants are immutable; {@link #newDecoder(int)} returns a new, per-channel
 * decoder each time.
 */
public enum Framing {
    /** UTF-8 lines ending in {@code \n} ({@code \r\n} accepted). Default limit: 8 KiB per line. */
    LINE(8 * 1024) {
        @Override
        public ByteToMessageDecoder newDecoder(int maxFrameLength) {
            checkMaxFrameLength(maxFrameLength);
            // failFast: report as soon as the limit is passed, then discard up to the next '\n'.
            return new LineFrameDecoder(maxFrameLength);
        }

        @Override
        public ByteBuf encode(ByteBufAllocator alloc, CharSequence text) {
            int length = ByteBufUtil.utf8Bytes(text);
            ByteBuf frame = alloc.directBuffer(length + 1);
            ByteBufUtil.reserveAndWriteUtf8(frame, text, length);
            return frame.writeByte('\n');
        }

        @Override
        public ByteBuf encode(ByteBufAllocator alloc, ByteBuf payload) {
            ByteBuf frame = alloc.directBuffer(payload.readableBytes() + 1);
            return frame.writeBytes(payload, payload.readerIndex(), payload.readableBytes()).writeByte('\n');
        }
    },

    /** A 4-byte big-endian unsigned length, then the payload. Default limit: 1 MiB per payload. */
    LENGTH(1024 * 1024) {
        @Override
        public ByteToMessageDecoder newDecoder(int maxFrameLength) {
            checkMaxFrameLength(maxFrameLength);
            return new LengthFrameDecoder(maxFrameLength);
        }

        @Override
        public ByteBuf encode(ByteBufAllocator alloc, CharSequence text) {
            int length = ByteBufUtil.utf8Bytes(text);
            ByteBuf frame = alloc.directBuffer(length + 4);
            frame.writeInt(length);
            ByteBufUtil.reserveAndWriteUtf8(frame, text, length);
            return frame;
        }

        @Override
        public ByteBuf encode(ByteBufAllocator alloc, ByteBuf payload) {
            ByteBuf frame = alloc.directBuffer(payload.readableBytes() + 4);
            frame.writeInt(payload.readableBytes());
            return frame.writeBytes(payload, payload.readerIndex(), payload.readableBytes());
        }
    },

    /**
     * A WebSocket text message as one unfragmented, unmasked frame (what a server sends). Default limit:
     * 8 KiB per message, as for lines. Not a stream framing: {@link #newDecoder} is not supported.
     */
    WEBSOCKET(8 * 1024) {
        @Override
        public ByteToMessageDecoder newDecoder(int maxFrameLength) {
            throw new UnsupportedOperationException(
                    "WebSocket frames are decoded by a WebSocket decoder, not by a stream framing");
        }

        @Override
        public ByteBuf encode(ByteBufAllocator alloc, CharSequence text) {
            int length = ByteBufUtil.utf8Bytes(text);
            ByteBuf frame = alloc.directBuffer(webSocketHeaderLength(length) + length);
            writeWebSocketHeader(frame, length);
            ByteBufUtil.reserveAndWriteUtf8(frame, text, length);
            return frame;
        }

        @Override
        public ByteBuf encode(ByteBufAllocator alloc, ByteBuf payload) {
            int length = payload.readableBytes();
            ByteBuf frame = alloc.directBuffer(webSocketHeaderLength(length) + length);
            writeWebSocketHeader(frame, length);
            return frame.writeBytes(payload, payload.readerIndex(), length);
        }

        @Override
        public boolean isStream() {
            return false;
        }
    };

    /** FIN set, opcode 1 (text). */
    private static final int WEBSOCKET_FIN_TEXT = 0x81;

    private static int webSocketHeaderLength(int payloadLength) {
        return payloadLength < 126 ? 2 : payloadLength <= 0xFFFF ? 4 : 10;
    }

    private static void writeWebSocketHeader(ByteBuf frame, int payloadLength) {
        frame.writeByte(WEBSOCKET_FIN_TEXT);
        if (payloadLength < 126) {
            frame.writeByte(payloadLength); // mask bit clear: a server never masks
        } else if (payloadLength <= 0xFFFF) {
            frame.writeByte(126).writeShort(payloadLength);
        } else {
            frame.writeByte(127).writeLong(payloadLength);
        }
    }

    /** The largest limit any framing accepts: a Java array must be able to hold the frame. */
    public static final int MAX_FRAME_LENGTH_LIMIT = Integer.MAX_VALUE - 8;

    private final int defaultMaxFrameLength;

    Framing(int defaultMaxFrameLength) {
        this.defaultMaxFrameLength = defaultMaxFrameLength;
    }

    /** The payload limit used when none is configured: 8 KiB for {@link #LINE}, 1 MiB for {@link #LENGTH}. */
    public int defaultMaxFrameLength() {
        return defaultMaxFrameLength;
    }

    /**
     * A new decoder for one channel; it emits payloads of at most {@code maxFrameLength} bytes.
     *
     * @throws UnsupportedOperationException for {@link #WEBSOCKET}, which is not a stream framing
     */
    public abstract ByteToMessageDecoder newDecoder(int maxFrameLength);

    /** Whether this framing cuts a plain byte stream ({@link #LINE}, {@link #LENGTH}) and has a decoder here. */
    public boolean isStream() {
        return true;
    }

    /** Encodes {@code text} as UTF-8 into one new framed buffer, owned by the caller. */
    public abstract ByteBuf encode(ByteBufAllocator alloc, CharSequence text);

    /** Copies {@code payload} into one new framed buffer, owned by the caller; {@code payload} is untouched. */
    public abstract ByteBuf encode(ByteBufAllocator alloc, ByteBuf payload);

    /**
     * Parses a stream framing's name as typed on a command line ({@code line} or {@code length}, any case).
     *
     * @throws IllegalArgumentException naming the accepted values
     */
    public static Framing parse(String name) {
        for (Framing framing : values()) {
            if (framing.isStream() && framing.name().equalsIgnoreCase(name.trim())) {
                return framing;
            }
        }
        throw new IllegalArgumentException("unknown framing '" + name + "' (expected line or length)");
    }

    @Override
    public String toString() {
        return name().toLowerCase(Locale.ROOT);
    }

    static void checkMaxFrameLength(int maxFrameLength) {
        if (maxFrameLength < 1 || maxFrameLength > MAX_FRAME_LENGTH_LIMIT) {
            throw new IllegalArgumentException(
                    "maxFrameLength must be between 1 and " + MAX_FRAME_LENGTH_LIMIT + ": " + maxFrameLength);
        }
    }
}
