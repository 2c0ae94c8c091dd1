package dev.relay.bench;

import io.netty.buffer.ByteBuf;

/**
 * The bytes a publisher sends: a fixed 32-character ASCII header, then {@code x} padding up to the
 * payload size. The header is three lower-case hex numbers: the send stamp (16 digits, nanoseconds
 * since the run's epoch), the publisher index (4 digits) and the sequence number (12 digits). Hex keeps
 * it printable, free of spaces and of a leading {@code /}, so the relay passes it on untouched.
 *
 * <p>Stateless; all methods are thread-safe.
 */
final class Payload {

    static final int HEADER = 32;
    static final int MAX_PUBLISHERS = 0x10000;

    private static final byte[] HEX = "0123456789abcdef".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

    private Payload() {
    }

    /** Writes one payload of {@code size} bytes at {@code out}'s writer index. */
    static void write(ByteBuf out, int size, long stamp, int publisher, long seq) {
        hex(out, stamp, 16);
        hex(out, publisher, 4);
        hex(out, seq, 12);
        for (int i = HEADER; i < size; i++) {
            out.writeByte('x');
        }
    }

    static long stamp(ByteBuf in, int payloadStart) {
        return (hex8(in, payloadStart) << 32) | hex8(in, payloadStart + 8);
    }

    static int publisher(ByteBuf in, int payloadStart) {
        return (int) (hex8(in, payloadStart + 16) >>> 16);
    }

    static long seq(ByteBuf in, int payloadStart) {
        return ((hex8(in, payloadStart + 16) & 0xffff) << 32) | hex8(in, payloadStart + 24);
    }

    /**
     * The value of 8 lower-case hex digits at {@code index}, decoded 8 at a time in a long (the
     * receiving side of a benchmark must be cheaper than the server it measures). Bytes that are not
     * hex digits give a wrong value, not an error: the sequence check catches corruption.
     */
    static long hex8(ByteBuf in, int index) {
        long v = in.getLong(index); // big-endian: the first digit is the most significant byte
        // '0'-'9' is 0x30-0x39 and 'a'-'f' is 0x61-0x66: the low nibble, plus 9 for letters (bit 6 set)
        v = (v & 0x0F0F0F0F0F0F0F0FL) + 9 * ((v >>> 6) & 0x0101010101010101L);
        v = (v | (v >>> 4)) & 0x00FF00FF00FF00FFL;
        v = (v | (v >>> 8)) & 0x0000FFFF0000FFFFL;
        return (v | (v >>> 16)) & 0xFFFFFFFFL;
    }

    private static void hex(ByteBuf out, long value, int digits) {
        for (int shift = (digits - 1) * 4; shift >= 0; shift -= 4) {
            out.writeByte(HEX[(int) (value >>> shift) & 0xf]);
        }
    }
}
