package dev.relay.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.relay.core.chat.ChatLimits;
import dev.relay.core.chat.ServerLine;
import dev.relay.core.chat.ServerLine.Kind;
import dev.relay.testing.TestClient;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Presence in big rooms over real sockets, as {@code nc} users see it, on a server whose presence limit
 * is 5 (quiet at 6 members, announced again at 3): a small room hears everything as before, a big one
 * only its own confirmations and the notices; guests are treated as everyone else.
 */
@Timeout(60)
class PresenceIT {

    private static final String OFF = " #lobby has more than 5 members: arrivals, departures and renames there are no "
            + "longer announced (/who lists everyone)";

    private final List<AutoCloseable> open = new ArrayList<>();
    private RelayServer server;

    @AfterEach
    void closeAll() throws Exception {
        for (int i = open.size() - 1; i >= 0; i--) {
            open.get(i).close();
        }
    }

    private void start() {
        server = new RelayServer(RelayServerConfig.builder().host("127.0.0.1").port(0)
                .chatLimits(ChatLimits.DEFAULTS.withPresenceLimit(5)).build()).start();
        open.add(server);
    }

    private TestClient socket() {
        TestClient client = TestClient.line(server.port());
        open.add(client);
        return client;
    }

    /** Arrives as {@code nick} in {@code rooms}; returns once the welcome and the SERVER line are read. */
    private TestClient arrive(String nick, String rooms) {
        TestClient client = socket();
        client.send("/hello nick=" + nick + " rooms=" + rooms);
        assertThat(client.read().kind()).isEqualTo(Kind.WELCOME);
        assertThat(client.read().text()).endsWith(" presence-limit=5");
        return client;
    }

    /** A guest: its first line is not an arrival line, so it is a guest at once. Returns its nick. */
    private static String guest(TestClient client) {
        client.send("/ping in");
        ServerLine welcome = client.read();
        assertThat(welcome.kind()).isEqualTo(Kind.WELCOME);
        assertThat(welcome.arg(1)).isEqualTo("lobby");
        assertThat(client.read().kind()).isEqualTo(Kind.SERVER);
        return welcome.arg(0);
    }

    private static List<String> synced(TestClient client) {
        return client.sync().stream().map(ServerLine::toString).toList();
    }

    /**
     * Each of {@code clients} hears exactly {@code lines} next (waiting for them: they may come from another
     * event loop), and then nothing more.
     */
    private static void assertEachHeard(List<TestClient> clients, String... lines) {
        for (TestClient client : clients) {
            for (String line : lines) {
                assertThat(client.readLine()).isEqualTo(line);
            }
            assertThat(synced(client)).as("after %s", List.of(lines)).isEmpty();
        }
    }

    @Test
    void aSmallRoomHearsEverythingAsBeforeAndABigOneOnlyEachMembersOwnConfirmations() {
        start();
        TestClient ann = arrive("ann", "dev");
        assertThat(ann.readLine()).isEqualTo("JOIN dev ann");
        TestClient ben = arrive("ben", "dev");
        assertThat(ben.readLine()).isEqualTo("JOIN dev ben");
        assertThat(ann.readLine()).isEqualTo("JOIN dev ben");
        ben.send("/nick benny");
        assertEachHeard(List.of(ann, ben), "NICK dev ben benny");

        List<TestClient> lobby = new ArrayList<>();
        for (int i = 1; i <= 5; i++) {
            TestClient member = arrive("m" + i, "lobby");
            assertThat(member.readLine()).isEqualTo("JOIN lobby m" + i);
            assertEachHeard(lobby, "JOIN lobby m" + i);
            lobby.add(member);
        }
        TestClient sixth = socket();
        String six = guest(sixth);
        assertThat(synced(sixth)).as("the arrival past the limit: announced, then the notice")
                .containsExactly("JOIN lobby " + six, "PRESENCE lobby off 6" + OFF, "PONG in");
        assertEachHeard(lobby, "JOIN lobby " + six, "PRESENCE lobby off 6" + OFF);
        lobby.add(sixth);
        for (int members = 7; members <= 8; members++) {
            TestClient late = socket();
            String nick = guest(late);
            assertThat(synced(late)).as("a guest in a quiet room: its JOIN, then the notice")
                    .containsExactly("JOIN lobby " + nick, "PRESENCE lobby off " + members + OFF, "PONG in");
            assertEachHeard(lobby);
            lobby.add(late);
        }
        TestClient hugo = lobby.get(7);
        List<TestClient> others = lobby.subList(0, 7);

        hugo.send("/nick hugo");
        assertThat(hugo.readUntil(Kind.NICK).arg(2)).isEqualTo("hugo");
        assertEachHeard(others);
        hugo.send("hi all");
        hugo.send("/me waves");
        assertEachHeard(others, "MSG lobby hugo hi all", "ACTION lobby hugo waves");
        lobby.get(0).send("/who");
        assertThat(synced(lobby.get(0))).hasSize(2).last().isEqualTo("WHOEND lobby 8");

        hugo.send("/join dev");
        assertThat(synced(hugo)).containsExactly("JOIN dev hugo", "CURRENT dev");
        assertEachHeard(List.of(ann, ben), "JOIN dev hugo");
        hugo.send("/part lobby");
        assertThat(synced(hugo)).as("its own LEAVE, as always").containsExactly("LEAVE lobby hugo");
        assertEachHeard(others);

        lobby.get(6).close();
        lobby.get(5).close();
        lobby.get(4).send("/quit bye");
        assertThat(lobby.get(4).readUntilClosed()).containsExactly("BYE Goodbye, m5");
        lobby.get(3).close(); // 7, 6, 5, 4 members: still quiet; at 3 announced again
        assertEachHeard(lobby.subList(0, 3), "PRESENCE lobby on 3 #lobby is down to 3 members: arrivals, departures and"
                + " renames there are announced again (/who lists everyone)"); // the first line since: no QUIT
        TestClient newcomer = socket();
        String nick = guest(newcomer);
        assertEachHeard(lobby.subList(0, 3), "JOIN lobby " + nick);

        hugo.close();
        assertEachHeard(List.of(ann, ben), "QUIT dev hugo connection closed");
    }

    @Test
    void thirtyGuestsArrivingAtOnceTellTheRoomOnceThatItIsQuiet() throws Exception {
        start();
        List<TestClient> early = new ArrayList<>();
        for (int i = 1; i <= 3; i++) {
            TestClient member = arrive("e" + i, "lobby");
            assertThat(member.readLine()).isEqualTo("JOIN lobby e" + i);
            assertEachHeard(early, "JOIN lobby e" + i);
            early.add(member);
        }
        List<TestClient> storm = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            storm.add(socket());
        }
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<CompletableFuture<List<String>>> arrivals = new ArrayList<>();
            for (TestClient guest : storm) {
                arrivals.add(CompletableFuture.supplyAsync(() -> {
                    String nick = guest(guest);
                    List<String> seen = new ArrayList<>(synced(guest));
                    seen.add(0, nick);
                    return seen;
                }, pool));
            }
            for (int i = 0; i < storm.size(); i++) {
                List<String> seen = new ArrayList<>(arrivals.get(i).get(30, TimeUnit.SECONDS));
                String nick = seen.remove(0);
                assertThat(seen).as(nick).contains("JOIN lobby " + nick);
                if (seen.stream().noneMatch(line -> line.startsWith("PRESENCE "))) {
                    // among the first six: the notice comes from the sixth arrival, maybe on another loop
                    seen.add(storm.get(i).readUntil(Kind.PRESENCE).toString());
                }
                seen.addAll(synced(storm.get(i)));
                assertThat(seen).as("%s is told that the room is quiet, once, or twice if it arrived as it turned", nick)
                        .filteredOn(line -> line.startsWith("PRESENCE ")).hasSizeBetween(1, 2)
                        .allMatch(line -> line.startsWith("PRESENCE lobby off "));
            }
        } finally {
            pool.shutdownNow();
        }
        for (TestClient member : early) {
            List<String> heard = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                heard.add(member.readLine());
            }
            assertThat(heard).as("the arrivals up to the sixth member, and one notice")
                    .filteredOn(line -> line.startsWith("JOIN lobby ")).hasSize(3);
            assertThat(heard).filteredOn(line -> line.startsWith("PRESENCE ")).containsExactly("PRESENCE lobby off 6" + OFF);
            assertThat(synced(member)).as("nothing about the 27 later arrivals").isEmpty();
        }
        early.get(0).send("/who");
        assertThat(early.get(0).readUntil(Kind.WHOEND).arg(1)).isEqualTo("33");
    }
}
