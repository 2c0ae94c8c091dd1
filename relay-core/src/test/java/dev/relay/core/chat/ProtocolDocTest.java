package dev.relay.core.chat;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * PROTOCOL.md's example session only shows server lines that the parser reads, of every common kind, with
 * list answers that add up; its tables name every kind and error code.
 */
class ProtocolDocTest {

    private static final Pattern SERVER_LINE = Pattern.compile("< ([A-Z]+ .*?|[A-Z]+)(?=\\s{2,}<|$)");

    @Test
    void everyServerLineInTheExampleParses() throws IOException {
        List<String> doc = Files.readAllLines(Path.of("..", "PROTOCOL.md"));
        Set<ServerLine.Kind> seen = EnumSet.noneOf(ServerLine.Kind.class);
        int count = 0;
        List<String> listed = new ArrayList<>(); // the items of the WHO or ROOMS lines of the current answer
        for (String line : doc) {
            Matcher m = SERVER_LINE.matcher(line.strip());
            while (m.find()) {
                String text = m.group(1).strip();
                if (text.endsWith("...")) {
                    continue; // abbreviated welcome
                }
                ServerLine parsed = ServerLine.parse(text);
                seen.add(parsed.kind());
                count++;
                switch (parsed.kind()) {
                    case WHO, ROOMS -> {
                        if (!parsed.text().isEmpty()) {
                            listed.addAll(List.of(parsed.text().split(" ")));
                        }
                    }
                    case WHOEND, ROOMSEND -> {
                        String total = parsed.arg(parsed.kind().argCount() - 1);
                        assertThat(total).as("the count of %s", text).isEqualTo(String.valueOf(listed.size()));
                        listed.clear();
                    }
                    default -> { }
                }
            }
        }
        assertThat(listed).as("every list answer is ended").isEmpty();
        assertThat(count).isGreaterThan(15);
        assertThat(seen).contains(ServerLine.Kind.WELCOME, ServerLine.Kind.MSG, ServerLine.Kind.ACTION,
                ServerLine.Kind.PRIV, ServerLine.Kind.JOIN, ServerLine.Kind.LEAVE, ServerLine.Kind.NICK,
                ServerLine.Kind.ROOMS, ServerLine.Kind.ROOMSEND, ServerLine.Kind.WHO, ServerLine.Kind.WHOEND,
                ServerLine.Kind.ERR, ServerLine.Kind.PONG, ServerLine.Kind.BYE, ServerLine.Kind.SERVER,
                ServerLine.Kind.CURRENT, ServerLine.Kind.PRESENCE);
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
        assertThat(doc).as("the SERVER key of the presence limit, and the size announcements resume at")
                .contains("| `presence-limit` |").contains("three quarters of the limit (37 of 50");
        assertThat(ChatLimits.DEFAULTS.presenceResumeAt()).isEqualTo(37);
        assertThat(ChatLimits.DEFAULTS.presenceLimit()).isEqualTo(50);
        assertThat(doc).as("the bound on list lines, as ServerLines applies it")
                .contains("at most min(" + ServerLines.MAX_LIST_LINE_BYTES + ", 3 × limit + 100) bytes")
                .contains("then `WHOEND room COUNT`").contains("then `ROOMSEND COUNT`");
    }
}
