package dev.relay.examples.console;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The roster follows the presence lines, and tells where a quit or rename happened. */
class RosterTest {

    @Test
    void followsWhoJoinLeaveQuitAndNick() {
        Roster roster = new Roster();
        roster.reset(List.of("dev", "ops"));
        roster.setMembers("dev", List.of("alice", "bob"));
        roster.setMembers("ops", List.of("alice", "bob", "carol"));
        roster.setMembers("elsewhere", List.of("zed")); // a /who of a room the console is not in
        assertThat(roster.nicks()).containsExactly("alice", "bob", "carol");

        roster.joined("dev", "Dave");
        roster.left("ops", "carol");
        assertThat(roster.nicks()).containsExactly("alice", "bob", "Dave");

        assertThat(roster.rename("dev", "bob", "rob")).containsExactly("dev", "ops");
        assertThat(roster.rename("ops", "bob", "rob")).as("the second NICK line of the same rename").isEmpty();
        assertThat(roster.nicks()).containsExactly("alice", "Dave", "rob");

        assertThat(roster.quit("rob")).containsExactly("dev", "ops");
        assertThat(roster.quit("rob")).isEmpty();

        roster.addRoom("qa");
        roster.removeRoom("dev");
        assertThat(roster.rooms()).containsExactly("ops", "qa");
        assertThat(roster.nicks()).containsExactly("alice");
    }

    @Test
    void inAQuietRoomItLearnsWhoSpeaksButNotInRoomsItIsNotIn() {
        Roster roster = new Roster();
        roster.reset(List.of("big"));
        roster.setMembers("big", List.of("alice"));
        roster.spoke("big", "zoe");
        roster.spoke("big", "alice");
        roster.spoke("elsewhere", "yann");
        assertThat(roster.nicks()).containsExactly("alice", "zoe");
        roster.setMembers("big", List.of("alice", "bob"));
        assertThat(roster.nicks()).as("a /who replaces what was learnt").containsExactly("alice", "bob");
    }
}
