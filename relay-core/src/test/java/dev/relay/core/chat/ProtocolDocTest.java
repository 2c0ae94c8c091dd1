package dev.relay.core.chat;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** PROTOCOL.md's example session only shows server lines that the parser reads, of every common kind. */
class ProtocolDocTest {

    private static final Pattern SERVER_LINE = Pattern.compile("< ([A-Z]+ .*?|[A-Z]+)(?=\\s{2,}<|$)");

    @Test
    void everyServerLineInTheExampleParses() throws IOException {
        List<String> doc = Files.readAllLines(Path.of("..", "PROTOCOL.md"));
        Set<ServerLine.Kind> seen = EnumSet.noneOf(ServerLine.Kind.class);
        int count = 0;
        for (String line : doc) {
            Matcher m = SERVER_LINE.matcher(line.strip());
            while (m.find()) {
                String text = m.group(1).strip();
                if (text.endsWith("...")) {
                    continue; // abbreviated welcome
                }
                seen.add(ServerLine.parse(text).kind());
                count++;
            }
        }
        assertThat(count).isGreaterThan(15);
        assertThat(seen).contains(ServerLine.Kind.WELCOME, ServerLine.Kind.MSG, ServerLine.Kind.ACTION,
                ServerLine.Kind.PRIV, ServerLine.Kind.JOIN, ServerLine.Kind.LEAVE, ServerLine.Kind.NICK,
                ServerLine.Kind.ROOMS, ServerLine.Kind.WHO, ServerLine.Kind.ERR, ServerLine.Kind.PONG,
                ServerLine.Kind.BYE);
    }

    @Test
    void everyErrorCodeIsDocumented() throws IOException {
        String doc = Files.readString(Path.of("..", "PROTOCOL.md"));
        for (ErrorCode code : ErrorCode.values()) {
            assertThat(doc).contains("| `" + code.word() + "` |");
        }
        for (ServerLine.Kind kind : ServerLine.Kind.values()) {
            assertThat(doc).contains("| `" + kind + "` | " + kind.argCount() + " |");
        }
    }
}
