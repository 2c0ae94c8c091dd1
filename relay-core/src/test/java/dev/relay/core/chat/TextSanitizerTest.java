package dev.relay.core.chat;

import static dev.relay.core.chat.ChatFixture.lines;
import static dev.relay.core.chat.ChatFixture.typeBytes;
import static org.assertj.core.api.Assertions.assertThat;

import io.netty.channel.embedded.EmbeddedChannel;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class TextSanitizerTest {

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "clear screen (CSI)       | 1b5b324a                 | ␛[2J",
            "window title (OSC ... BEL) | 1b5d303b70776e656407   | ␛]0;pwned␇",
            "NUL                      | 610062                   | a␀b",
            "lone CR                  | 610d62                   | a b",
            "backspace                | 6108                     | a␈",
            "DEL                      | 617f                     | a␡",
            "C1 CSI as UTF-8          | 61c29b3332                | a\uFFFD32",
            "right-to-left override   | 61e280ae6263             | a\uFFFDbc",
            "isolate                  | e281a7                   | \uFFFD",
            "Arabic letter mark       | 61d89c62                 | a\uFFFDb",
            "line separator           | 61e280a862               | a b",
            "tab kept                 | 610962                   | a\tb",
            "accents, CJK and emoji   | c3a9e4b8ade69687f09f9880 | é中文😀",
    })
    void escapeSequencesAndControlsAreMadeHarmlessByteForByte(String name, String hex, String expected) {
        byte[] bytes = java.util.HexFormat.of().parseHex(hex.strip());
        assertThat(TextSanitizer.clean(new String(bytes, StandardCharsets.UTF_8))).isEqualTo(expected.strip());
    }

    @Test
    void aCleanLineIsReturnedAsIs() {
        String line = "plain text, ünïcödé and 😀";
        assertThat(TextSanitizer.clean(line)).isSameAs(line);
    }

    @Test
    void theRoomNeverReceivesAnEscapeByte() {
        try (ChatFixture fixture = new ChatFixture()) {
            EmbeddedChannel mallory = fixture.connect("mallory");
            EmbeddedChannel alice = fixture.connect("alice");
            lines(mallory);
            typeBytes(mallory, "\u001b[2J\u001b]0;pwned\u0007 hi\n".getBytes(StandardCharsets.UTF_8));
            typeBytes(mallory, "/me \u001b[31mred\n".getBytes(StandardCharsets.UTF_8));
            typeBytes(mallory, "/msg alice \u202Egnp.exe\n".getBytes(StandardCharsets.UTF_8));
            assertThat(lines(alice)).containsExactly(
                    "MSG lobby mallory ␛[2J␛]0;pwned␇ hi",
                    "ACTION lobby mallory ␛[31mred",
                    "PRIV mallory \uFFFDgnp.exe");
        }
    }
}
