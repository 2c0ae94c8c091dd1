package dev.relay.core.chat;

import io.netty.buffer.ByteBuf;

/**
 * Tells, on the bytes, whether a frame can be relayed as it is: valid UTF-8 with nothing
 * {@link TextSanitizer} would change. Such a frame decodes to a string the sanitizer returns
 * unchanged, which encodes back to the very same bytes, so a chat line can be built by copying bytes,
 * with no decode, sanitize and encode round trip. Anything else (a control character, a C1 or
 * bidirectional control, a line separator, malformed or overlong UTF-8, an encoded surrogate) is
 * {@link #NEEDS_CLEANING}, and goes the string way, which repairs it.
 *
 * <p>ASCII, the common case, is checked eight bytes at a time. Stateless; any thread.
 */
final class CleanText {

    /** Valid UTF-8 that the sanitizer leaves as it is, with something other than spaces and tabs in it. */
    static final int CLEAN = 0;
    /** Empty, or only spaces and tabs: a line the chat protocol ignores. */
    static final int BLANK = 1;
    /** Invalid UTF-8, or text the sanitizer would change. */
    static final int NEEDS_CLEANING = 2;

    private static final long HIGH_BITS = 0x8080808080808080L;
    private static final long ONES = 0x0101010101010101L;

    private CleanText() {
    }

    /** Classifies the readable bytes of {@code frame}, without changing its indices. */
    static int classify(ByteBuf frame) {
        int i = frame.readerIndex();
        int end = frame.writerIndex();
        boolean blank = true;
        while (i < end) {
            if (end - i >= 8) {
                long v = frame.getLong(i);
                // no byte with the high bit set, none below 0x20 (tab included: it is checked one by one), none 0x7F
                if ((v & HIGH_BITS) == 0 && (((v - 0x2020202020202020L) | ((v ^ 0x7F7F7F7F7F7F7F7FL) - ONES)) & HIGH_BITS) == 0) {
                    if (blank && v != 0x2020202020202020L) {
                        blank = false;
                    }
                    i += 8;
                    continue;
                }
            }
            int b = frame.getByte(i) & 0xFF;
            if (b < 0x80) {
                if (b < 0x20) {
                    if (b != '\t') {
                        return NEEDS_CLEANING;
                    }
                } else if (b == 0x7F) {
                    return NEEDS_CLEANING;
                } else if (b != ' ') {
                    blank = false;
                }
                i++;
                continue;
            }
            blank = false;
            int length = b < 0xC2 ? 0 : b < 0xE0 ? 2 : b < 0xF0 ? 3 : b < 0xF5 ? 4 : 0;
            if (length == 0 || end - i < length) {
                return NEEDS_CLEANING; // a stray continuation byte, an overlong or out-of-range lead, or cut short
            }
            int codePoint = b & (0xFF >> (length + 1));
            for (int k = 1; k < length; k++) {
                int c = frame.getByte(i + k) & 0xFF;
                if ((c & 0xC0) != 0x80) {
                    return NEEDS_CLEANING;
                }
                codePoint = codePoint << 6 | (c & 0x3F);
            }
            if (length == 3 && (codePoint < 0x800 || (codePoint >= 0xD800 && codePoint <= 0xDFFF))
                    || length == 4 && (codePoint < 0x10000 || codePoint > 0x10FFFF)
                    || isUnsafe(codePoint)) {
                return NEEDS_CLEANING;
            }
            i += length;
        }
        return blank ? BLANK : CLEAN;
    }

    /** What {@link TextSanitizer} replaces, above ASCII. */
    private static boolean isUnsafe(int codePoint) {
        return codePoint <= 0x9F // C1
                || (codePoint >= 0x202A && codePoint <= 0x202E)
                || (codePoint >= 0x2066 && codePoint <= 0x2069)
                || codePoint == 0x200E || codePoint == 0x200F || codePoint == 0x061C
                || codePoint == 0x2028 || codePoint == 0x2029;
    }
}
