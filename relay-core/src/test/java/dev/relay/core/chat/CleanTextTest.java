package dev.relay.core.chat;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.junit.jupiter.api.Test;

class CleanTextTest {

    private static int classify(byte[] bytes) {
        ByteBuf frame = Unpooled.wrappedBuffer(bytes);
        try {
            return CleanText.classify(frame);
        } finally {
            frame.release();
        }
    }

    private static int classify(String text) {
        return classify(text.getBytes(StandardCharsets.UTF_8));
    }

    /** What the string path makes of these bytes would change nothing: decode, sanitize, encode is the identity. */
    private static boolean stringPathKeeps(byte[] bytes) {
        String decoded = new String(bytes, StandardCharsets.UTF_8);
        return java.util.Arrays.equals(TextSanitizer.clean(decoded).getBytes(StandardCharsets.UTF_8), bytes);
    }

    @Test
    void plainTextOfAnyScriptIsClean() {
        assertThat(classify("hello world, this line is longer than eight bytes")).isEqualTo(CleanText.CLEAN);
        assertThat(classify("x")).isEqualTo(CleanText.CLEAN);
        assertThat(classify("tab\tinside")).isEqualTo(CleanText.CLEAN);
        assertThat(classify("café ünïcödé 日本語 😀 ∑ U+FFFD \uFFFD")).isEqualTo(CleanText.CLEAN);
        assertThat(classify("        x")).isEqualTo(CleanText.CLEAN);
    }

    @Test
    void emptyAndSpaceOnlyLinesAreBlank() {
        assertThat(classify("")).isEqualTo(CleanText.BLANK);
        assertThat(classify(" ")).isEqualTo(CleanText.BLANK);
        assertThat(classify(" \t  \t           \t ")).isEqualTo(CleanText.BLANK);
        assertThat(classify("\u3000")).as("other white space is text, as on the string path").isEqualTo(CleanText.CLEAN);
    }

    @Test
    void whatTheSanitizerWouldChangeNeedsCleaning() {
        for (String text : new String[] {"esc \u001b[2J", "nul \0", "cr \r", "del \u007f", "c1 \u0085", "csi \u009b",
                "bidi \u202e", "isolate \u2066", "lrm \u200e", "alm \u061c", "ls \u2028", "ps \u2029",
                "a long clean prefix then \u001b"}) {
            assertThat(classify(text)).as(text).isEqualTo(CleanText.NEEDS_CLEANING);
        }
    }

    @Test
    void malformedUtf8NeedsCleaning() {
        byte[][] bad = {
            {(byte) 0x80}, // a stray continuation byte
            {(byte) 0xC0, (byte) 0xAF}, // overlong '/'
            {(byte) 0xE0, (byte) 0x80, (byte) 0xAF}, // overlong, three bytes
            {(byte) 0xED, (byte) 0xA0, (byte) 0x80}, // an encoded surrogate
            {(byte) 0xF4, (byte) 0x90, (byte) 0x80, (byte) 0x80}, // above U+10FFFF
            {(byte) 0xF8, (byte) 0x88, (byte) 0x80, (byte) 0x80, (byte) 0x80},
            {'o', 'k', (byte) 0xE2, (byte) 0x82}, // cut short
            {(byte) 0xC3, 'x'}, // a lead without its continuation
        };
        for (byte[] bytes : bad) {
            assertThat(classify(bytes)).isEqualTo(CleanText.NEEDS_CLEANING);
            assertThat(stringPathKeeps(bytes)).as("the string path repairs it").isFalse();
        }
    }

    @Test
    void cleanMeansTheStringPathWouldSendTheSameBytesForRandomInput() {
        Random random = new Random(42);
        String alphabet = "ab Z09 \t\u00e9\u0085\u200e\u202a\u2028\u3000\u4e2d\u001b\u007f\uFFFD";
        int clean = 0;
        for (int round = 0; round < 200_000; round++) {
            byte[] bytes;
            if (round % 2 == 0) { // random bytes: mostly malformed
                bytes = new byte[random.nextInt(24)];
                for (int i = 0; i < bytes.length; i++) {
                    bytes[i] = (byte) (random.nextInt(4) == 0 ? random.nextInt(256) : 0x20 + random.nextInt(0x5F));
                }
            } else { // random text, sometimes with an emoji: valid UTF-8
                StringBuilder text = new StringBuilder();
                for (int i = random.nextInt(20); i > 0; i--) {
                    text.append(random.nextInt(30) == 0 ? "😀" : String.valueOf(alphabet.charAt(random.nextInt(alphabet.length()))));
                }
                bytes = text.toString().getBytes(StandardCharsets.UTF_8);
            }
            int kind = classify(bytes);
            boolean keeps = stringPathKeeps(bytes);
            String decoded = new String(bytes, StandardCharsets.UTF_8);
            boolean blank = decoded.chars().allMatch(c -> c == ' ' || c == '\t');
            if (kind == CleanText.CLEAN) {
                clean++;
                assertThat(keeps).as("clean %s", java.util.HexFormat.of().formatHex(bytes)).isTrue();
                assertThat(blank).isFalse();
            } else if (kind == CleanText.BLANK) {
                assertThat(keeps && blank).isTrue();
            } else {
                // nothing clean is sent the slow way, apart from nothing: the fast path takes every clean line
                assertThat(keeps).as("needs cleaning %s", java.util.HexFormat.of().formatHex(bytes)).isFalse();
            }
        }
        assertThat(clean).isGreaterThan(20_000);
    }
}
