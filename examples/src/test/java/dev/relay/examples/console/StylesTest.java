package dev.relay.examples.console;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.jline.utils.AttributedStyle;
import org.junit.jupiter.api.Test;

/** Nick colours are stable and spread; a mention is a whole word, ignoring case. */
class StylesTest {

    @Test
    void aNickAlwaysHasTheSameColourAndNicksUseThePalette() {
        assertThat(Styles.nick("bob")).isEqualTo(Styles.nick("bob")).isEqualTo(Styles.nick("BOB"));
        // String.hashCode is fixed by the language, so this holds in every JVM and every run
        assertThat(Styles.nick("bob")).isEqualTo(Styles.PALETTE.get(Math.floorMod("bob".hashCode(), Styles.PALETTE.size())));
        Set<AttributedStyle> used = new HashSet<>();
        for (String nick : List.of("alice", "bob", "carol", "dave", "erin", "frank", "grace", "heidi", "ivan", "judy")) {
            used.add(Styles.nick(nick));
        }
        assertThat(Styles.PALETTE).containsAll(used);
        assertThat(used).as("ten nicks are not all one colour").hasSizeGreaterThan(3);
        assertThat(Styles.PALETTE).doesNotContain(Styles.ERROR, Styles.NOTICE, Styles.OWN);
    }

    @Test
    void aMentionIsTheNickAsAWholeWordInAnyCase() {
        assertThat(Styles.mentions("alice: look", "alice")).isTrue();
        assertThat(Styles.mentions("hey ALICE, look", "alice")).isTrue();
        assertThat(Styles.mentions("@Alice's turn", "alice")).isTrue();
        assertThat(Styles.mentions("thanks alice", "alice")).isTrue();
        assertThat(Styles.mentions("malice", "alice")).isFalse();
        assertThat(Styles.mentions("alice_2 and alice-b", "alice")).isFalse();
        assertThat(Styles.mentions("x.y is here", "x")).isTrue();
        assertThat(Styles.mentions("a+b", "a+b")).as("the nick is not a pattern").isTrue();
        assertThat(Styles.mentions("anything", "")).isFalse();
    }
}
