package dev.relay.examples.console;

import static org.assertj.core.api.Assertions.assertThat;

import dev.relay.core.chat.ChatLimits;
import dev.relay.core.chat.ServerLine.Kind;
import dev.relay.core.codec.Framing;
import dev.relay.examples.console.Tmux.Pane;
import dev.relay.server.RelayServer;
import dev.relay.server.RelayServerConfig;
import dev.relay.testing.TestClient;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The console jar on a real terminal (tmux), as a person sees it: what is on the screen, in which
 * colours, with which prompt, and what Tab does. The other participants are raw sockets.
 */
@Timeout(60)
class ConsoleTmuxIT {

    private static final String ESC = "\u001b";
    private static final List<String> COLOUR = List.of("-u", "NO_COLOR");

    private final List<AutoCloseable> open = new ArrayList<>();
    private Tmux tmux;
    private RelayServer server;
    private TestClient bob;

    @BeforeEach
    void startTmux() throws Exception {
        tmux = Tmux.start();
        open.add(tmux);
    }

    @AfterEach
    void cleanUp() throws Exception {
        for (int i = open.size() - 1; i >= 0; i--) {
            open.get(i).close();
        }
    }

    private RelayServer server(Framing framing) {
        return server(RelayServerConfig.builder().framing(framing));
    }

    private RelayServer server(RelayServerConfig.Builder config) {
        server = new RelayServer(config.host("127.0.0.1").port(0).build()).start();
        open.add(0, server); // closed last, after the consoles' terminals
        return server;
    }

    /** A raw participant that arrives as {@code nick} in {@code rooms} and has read its own arrival. */
    private TestClient participant(String nick, String rooms) {
        TestClient client = TestClient.line(server.port());
        open.add(client);
        client.send("/hello nick=" + nick + " rooms=" + rooms);
        client.readUntil(Kind.WELCOME);
        client.sync();
        return client;
    }

    /** A line server with {@link #bob} (raw) in #dev, and alice's console there, connected, with {@code environment}. */
    private Pane aliceWithBobInDev(String session, List<String> environment) {
        server(Framing.LINE);
        bob = participant("bob", "dev");
        return console(session, environment, "--nick", "alice", "--room", "dev");
    }

    /** {@code relay-console --host 127.0.0.1 --port P ARGS}, in colour, once it says it is connected. */
    private Pane console(String name, String... args) {
        return console(name, COLOUR, args);
    }

    private Pane console(String name, List<String> environment, String... args) {
        List<String> all = new ArrayList<>(List.of("--host", "127.0.0.1", "--port", String.valueOf(server.port())));
        all.addAll(List.of(args));
        Pane pane = tmux.console(name, environment, all.toArray(String[]::new));
        pane.awaitText("-- connected to");
        // and reading: keys typed before the prompt is up are echoed by the terminal ahead of it
        pane.await(screen -> assertThat(pane.inputLine()).as("the prompt").endsWith(">"));
        return pane;
    }

    /**
     * bob (raw) says {@code bobSays} to alice's console in #dev, which says "mine" and gets an error for
     * "/nosuch"; returns once all of it is on the screen.
     */
    private Pane aChatWithAnError(String session, List<String> environment, String... bobSays) {
        Pane alice = aliceWithBobInDev(session, environment);
        List.of(bobSays).forEach(bob::send);
        alice.type("mine");
        alice.type("/nosuch");
        alice.awaitText("/nosuch is not a command");
        alice.awaitText("<alice> mine");
        alice.awaitText("<bob> " + bobSays[bobSays.length - 1]);
        return alice;
    }

    /** Waits for a whole line on the screen: the time, then what {@code pattern} matches. */
    private static void awaitLine(Pane pane, String pattern) {
        pane.await(screen -> assertThat(screen).containsPattern("(?m)^\\d\\d:\\d\\d:\\d\\d " + pattern + "$"));
    }

    /** Types {@code typed}, presses Tab, and waits for the input line to be {@code completed}. */
    private static void completes(Pane pane, String typed, String completed) {
        pane.keys(typed);
        pane.press("Tab");
        pane.await(screen -> assertThat(pane.inputLine()).as("%s, then Tab", typed).isEqualTo(completed));
    }

    private static long count(Pane pane, String text) {
        return pane.lines().stream().filter(line -> line.contains(text)).count();
    }

    /** The screen line (with escape codes) that contains {@code text}, without them. */
    private static String lineWith(Pane pane, String text) {
        return pane.screenWithEscapes().lines().filter(line -> line.replaceAll(ESC + "\\[[0-9;]*m", "").contains(text))
                .findFirst().orElseThrow(() -> new AssertionError("no line with '" + text + "' in\n" + pane.screen()));
    }

    @Test
    void yourOwnLinesShowWithTimeRoomAndNickAndPingShowsTheRoundTrip() {
        Pane alice = aliceWithBobInDev("own", COLOUR);

        alice.type("hello bob");
        assertThat(bob.readUntil(Kind.MSG)).hasToString("MSG dev alice hello bob");
        awaitLine(alice, "\\[#dev\\] <alice> hello bob");
        assertThat(count(alice, "hello bob")).as("the typed line gives way to the line sent").isEqualTo(1);

        alice.type("/me waves");
        assertThat(bob.readUntil(Kind.ACTION)).hasToString("ACTION dev alice waves");
        awaitLine(alice, "\\[#dev\\] \\* alice waves");

        alice.type("/msg bob are you free later?");
        assertThat(bob.readUntil(Kind.PRIV)).hasToString("PRIV alice are you free later?");
        awaitLine(alice, "-> \\*bob\\* are you free later\\?");

        bob.send("/msg alice yes");
        awaitLine(alice, "\\*bob\\* yes");

        alice.type("/ping");
        awaitLine(alice, "-- pong from 127\\.0\\.0\\.1:" + server.port() + " in \\d+\\.\\d ms");
    }

    @Test
    void nicksOwnLinesNoticesAndErrorsHaveColoursOnATerminal() {
        Pane alice = aChatWithAnError("colour", COLOUR, "first", "second");

        Pattern nickColour = Pattern.compile("<(" + ESC + "\\[[0-9;]*m)+bob" + ESC);
        Matcher first = nickColour.matcher(lineWith(alice, "<bob> first"));
        Matcher second = nickColour.matcher(lineWith(alice, "<bob> second"));
        assertThat(first.find()).as("bob's nick in a colour: %s", lineWith(alice, "<bob> first")).isTrue();
        assertThat(second.find()).isTrue();
        assertThat(second.group()).as("the same colour every time").isEqualTo(first.group())
                .doesNotContain("[31m", "[91m", "[36m", "[96m"); // red is for errors, cyan for notices
        assertThat(lineWith(alice, "<alice> mine")).as("your own nick: bold").contains("<" + ESC + "[1malice");
        assertThat(lineWith(alice, "/nosuch is not a command")).as("errors: red").contains("31m! /nosuch");
        assertThat(lineWith(alice, "-- connected to")).as("notices: cyan").contains("36m-- connected to");
    }

    @Test
    void noColorMeansNotOneEscapeCode() {
        Pane alice = aChatWithAnError("plain", List.of("NO_COLOR=1"), "hello alice");
        assertThat(alice.screenWithEscapes()).contains("[#dev] <bob> hello alice").doesNotContain(ESC);
    }

    @Test
    void tabCompletesTheNicksOfYourRoomsAndCommandWords() {
        Pane alice = aliceWithBobInDev("tab", COLOUR);

        completes(alice, "b", "alice@#dev> bob");
        alice.type("hi");
        assertThat(bob.readUntil(Kind.MSG)).as("known from /who at connect").hasToString("MSG dev alice bob hi");

        TestClient carol = participant("carol", "dev");
        alice.awaitText("[#dev] -- carol joined");
        completes(alice, "CA", "alice@#dev> carol"); // known from the JOIN; ignoring case
        alice.type("welcome");
        assertThat(carol.readUntil(Kind.MSG)).hasToString("MSG dev alice carol welcome");

        bob.send("/nick robert");
        alice.awaitText("-- bob is now robert");
        completes(alice, "rob", "alice@#dev> robert"); // after the rename
        alice.press("C-u");

        completes(alice, "/wh", "alice@#dev> /who");
        alice.press("Enter");
        alice.awaitText("-- in #dev: alice, carol, robert");
    }

    @Test
    void aBigRoomSaysItIsQuietAndTabStillCompletesWhoeverSpeaksThere() {
        server(RelayServerConfig.builder().chatLimits(ChatLimits.DEFAULTS.withPresenceLimit(2))); // quiet at 3
        participant("bob", "dev");
        participant("carol", "dev");
        participant("erin", "dev");
        Pane alice = console("quiet", "--nick", "alice", "--room", "dev");
        awaitLine(alice, "\\[#dev\\] -- 4 people here: arrivals, departures and renames are no longer shown "
                + "\\(/who lists everyone\\)");

        TestClient dave = participant("dave", "dev");
        dave.send("anyone here?");
        awaitLine(alice, "\\[#dev\\] <dave> anyone here\\?");
        assertThat(count(alice, "dave joined")).as("a quiet room does not tell arrivals").isZero();
        completes(alice, "da", "alice@#dev> dave"); // learnt from his line
        alice.press("C-u");
        completes(alice, "er", "alice@#dev> erin"); // from the /who at connect
    }

    @Test
    void aLineThatNamesYouIsHighlightedAndRingsTheBell() {
        Pane alice = aliceWithBobInDev("mention", COLOUR);
        bob.send("nothing for malice or alice_2");
        alice.awaitText("<bob> nothing for");
        assertThat(alice.display("#{window_bell_flag}")).as("no bell yet").isEqualTo("0");

        bob.send("hey ALICE, look");
        alice.awaitText("<bob> hey ALICE, look");
        String highlight = ESC + "[30m" + ESC + "[43m"; // black on yellow
        assertThat(lineWith(alice, "<bob> hey ALICE, look")).contains(highlight);
        assertThat(lineWith(alice, "<bob> nothing for")).doesNotContain("[43m");
        org.awaitility.Awaitility.await().atMost(Tmux.WAIT)
                .until(() -> alice.display("#{window_bell_flag}").equals("1"));
    }

    @Test
    void anErrorIsShownExactlyOnce() {
        Pane alice = aliceWithBobInDev("once", COLOUR);
        alice.type("/nick bob");
        alice.type("/msg nobody hi");
        alice.type("/ping");
        alice.awaitText("-- pong from"); // after the answers to both
        assertThat(count(alice, "The nick bob is taken")).isEqualTo(1);
        assertThat(count(alice, "No one here is called nobody")).isEqualTo(1);
        assertThat(count(alice, "nobody")).as("no private message shown as sent").isEqualTo(1);

        Pane taken = tmux.console("taken", COLOUR, "--host", "127.0.0.1", "--port", String.valueOf(server.port()),
                "--nick", "bob", "--room", "dev");
        assertThat(taken.exitStatus()).isEqualTo(1);
        assertThat(taken.lines()).filteredOn(line -> line.contains("taken"))
                .containsExactly("relay-console: the server refused '/hello nick=bob rooms=dev': The nick bob is taken");
    }

    @Test
    void thePromptFollowsNickAndRoomThroughJoinSwitchSayAndPart() {
        server(Framing.LINE);
        TestClient bob = participant("bob", "dev,ops");
        Pane alice = console("rooms", "--nick", "alice", "--room", "dev,ops", "--room", "qa");
        alice.awaitText("-- connected to 127.0.0.1:" + server.port() + " as alice in #dev, #ops, #qa; talking in #dev");
        alice.await(screen -> assertThat(alice.inputLine()).isEqualTo("alice@#dev>"));

        alice.type("/switch ops");
        alice.await(screen -> assertThat(alice.inputLine()).isEqualTo("alice@#ops>"));
        alice.type("to ops");
        assertThat(bob.readUntil(Kind.MSG)).hasToString("MSG ops alice to ops");
        alice.awaitText("[#ops] <alice> to ops");

        alice.type("/say dev to dev");
        assertThat(bob.readUntil(Kind.MSG)).hasToString("MSG dev alice to dev");
        alice.awaitText("[#dev] <alice> to dev");

        alice.type("/join #New");
        alice.awaitText("[#new] -- you joined");
        alice.await(screen -> assertThat(alice.inputLine()).isEqualTo("alice@#new>"));
        alice.type("/part");
        alice.awaitText("[#new] -- you left");
        alice.await(screen -> assertThat(alice.inputLine()).as("back where it was").isEqualTo("alice@#ops>"));

        alice.type("/part ops");
        assertThat(bob.readUntil(line -> line.kind() == Kind.LEAVE)).hasToString("LEAVE ops alice");
        alice.await(screen -> assertThat(alice.inputLine()).isEqualTo("alice@#dev>"));

        alice.type("/nick alicia");
        alice.awaitText("-- you are now alicia");
        alice.await(screen -> assertThat(alice.inputLine()).isEqualTo("alicia@#dev>"));
        assertThat(count(alice, "you are now alicia")).as("one line, not one per room").isEqualTo(1);
    }

    @Test
    void aFramingMismatchIsNamedAtOnce() {
        server(Framing.LENGTH);
        Pane line = tmux.console("line", COLOUR, "--host", "127.0.0.1", "--port", String.valueOf(server.port()));
        assertThat(line.exitStatus()).isEqualTo(1);
        assertThat(line.screen()).contains("relay-console: the server speaks length framing, not line (it sent a"
                + " 4-byte length, then 'ERR too-long Frame longer than 1048576 ...'); use --framing length");

        RelayServer lineServer = server(Framing.LINE);
        Pane length = tmux.console("length", COLOUR, "--host", "127.0.0.1", "--port", String.valueOf(lineServer.port()),
                "--framing", "length");
        assertThat(length.exitStatus()).isEqualTo(1);
        assertThat(length.screen()).containsPattern("relay-console: the server speaks line framing, not length \\(it sent"
                + " 'WELCOME guest\\d+ lobby Hi guest\\d+, you are \\.\\.\\.'\\); use --framing line");
    }
}
