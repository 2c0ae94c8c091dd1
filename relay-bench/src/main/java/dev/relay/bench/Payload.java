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
        return parseHex(in, payloadStart, 16);
    }

    static int publisher(ByteBuf in, int payloadStart) {
        return (int) parseHex(in, payloadStart + 16, 4);
    }

    static long seq(ByteBuf in, int payloadStart) {
        return parseHex(in, payloadStart + 20, 12);
    }

    private static void hex(ByteBuf out, long value, int digits) {
        for (int shift = (digits - 1) * 4; shift >= 0; shift -= 4) {
            out.writeByte(HEX[(int) (value >>> shift) & 0xf]);
        }
    }

    private static long parseHex(ByteBuf in, int from, int digits) {
        long value = 0;
        for (int i = from, end = from + digits; i < end; i++) {
            int c = in.getByte(i);
            int digit = c <= '9' ? c - '0' : c - 'a' + 10;
            if (digit < 0 || digit > 15) {
                throw new IllegalStateException("not a bench payload: byte " + c + " at " + (i - from));
            }
            value = (value << 4) | digit;
        }
        return value;
    }
}
