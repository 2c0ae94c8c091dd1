package dev.relay.examples.console;

import dev.relay.client.RelayClient;
import dev.relay.client.RelayClientException;
import dev.relay.client.RelayEvent;
import dev.relay.client.RelayListener;
import dev.relay.core.chat.TextSanitizer;
import dev.relay.examples.console.EventFormatter.Tone;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionException;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * What the console shows: each event of the client as one line (or none), your own lines when they
 * have been sent, the prompt ({@code alice@#dev> }), and the {@link Roster} that Tab completes from.
 *
 * <p>Every error is shown once: a server's refusal as its {@code ERR} event (a request's future fails
 * with the same refusal, which {@link #failed} leaves out), anything else from the failed future. A
 * quit or rename that the server sends once per shared room is one line naming those rooms. The
 * {@code /who} the console asks by itself, to know who is in its rooms, fills the roster quietly: for
 * each room it arrives in or joins, and for a big room when the server announces its arrivals and
 * departures again ({@code PRESENCE room on}). While a room is quiet, the roster also learns who is
 * there from who speaks.
 *
 * <p>Events arrive on the client's thread; the other methods are called from the console's main thread.
 */
final class ChatView implements RelayListener {

    private final Screen screen;
    private final EventFormatter format;
    private final Roster roster;
    private final Consumer<String> lostForGood;
    private @Nullable RelayClient client;
    private volatile boolean leaving;

    // Client thread only.
    private boolean live;
    /** The last quit or rename shown, as "nick" or "old new": its further lines (other rooms) are not shown again. */
    private @Nullable String lastShown;

    /** {@code /who} answers by room still to come for requests the console made by itself. Guarded by this. */
    private final Map<String, Integer> quietWho = new HashMap<>();

    ChatView(Screen screen, EventFormatter format, Roster roster, Consumer<String> lostForGood) {
        this.screen = screen;
        this.format = format;
        this.roster = roster;
        this.lostForGood = lostForGood;
    }

    /** The client whose events these are (it needs this listener to be built first). */
    void attach(RelayClient relayClient) {
        this.client = relayClient;
    }

    /** From now on the end of the connection is expected and not reported. */
    void leaving() {
        leaving = true;
    }

    String nick() {
        return client == null ? "" : client.nick();
    }

    @Override
    public void onEvent(RelayEvent event) {
        String me = nick();
        if (event instanceof RelayEvent.Connected c) {
            arrived(c.nick(), c.room(), c.rooms());
            screen.print(format.connected(c.nick(), c.room(), c.rooms()));
        } else if (event instanceof RelayEvent.Reconnected r) {
            arrived(r.nick(), r.room(), r.rooms());
            screen.print(format.reconnected(r.nick(), r.room(), r.rooms()));
        } else if (event instanceof RelayEvent.Disconnected d) {
            live = false;
            if (leaving) {
                return;
            }
            if (d.reconnecting()) {
                screen.print(format.notice(List.of(), "disconnected: " + d.reason() + "; reconnecting..."));
                updatePrompt();
            } else {
                lostForGood.accept(d.reason()); // the console's last line, on stderr
            }
        } else if (event instanceof RelayEvent.CurrentRoom c) {
            screen.print(format.notice(List.of(), "talking in #" + c.room()));
            updatePrompt();
        } else if (event instanceof RelayEvent.ChatMessage m) {
            roster.spoke(m.room(), m.nick());
            boolean mention = mentions(m.nick(), m.text(), me);
            show(format.message(m.room(), m.nick(), m.text(), mention ? Tone.MENTION : Tone.OTHERS), mention);
        } else if (event instanceof RelayEvent.Action a) {
            roster.spoke(a.room(), a.nick());
            boolean mention = mentions(a.nick(), a.text(), me);
            show(format.action(a.room(), a.nick(), a.text(), mention ? Tone.MENTION : Tone.OTHERS), mention);
        } else if (event instanceof RelayEvent.PrivateMessage p) {
            // a private message is for you: it always rings; it is highlighted only if it names you
            show(format.privateFrom(p.from(), p.text(), Styles.mentions(p.text(), me)), true);
        } else if (event instanceof RelayEvent.Joined j) {
            joined(j.room(), j.nick(), me);
        } else if (event instanceof RelayEvent.Left l) {
            boolean you = l.nick().equals(me);
            if (you) {
                roster.removeRoom(l.room());
            } else {
                roster.left(l.room(), l.nick());
            }
            screen.print(format.left(l.room(), l.nick(), you));
        } else if (event instanceof RelayEvent.Quit q) {
            List<String> rooms = roster.quit(q.nick());
            if (once(rooms, q.nick())) {
                screen.print(format.quit(rooms.isEmpty() ? List.of(q.room()) : rooms, q.nick(), q.reason()));
            }
        } else if (event instanceof RelayEvent.NickChanged n) {
            List<String> rooms = roster.rename(n.room(), n.oldNick(), n.newNick());
            if (once(rooms, n.oldNick() + ' ' + n.newNick())) {
                boolean you = n.newNick().equals(me);
                screen.print(format.renamed(rooms.isEmpty() ? List.of(n.room()) : rooms, n.oldNick(), n.newNick(), you));
                if (you) {
                    updatePrompt();
                }
            }
        } else if (event instanceof RelayEvent.PresenceChanged p) {
            screen.print(format.presence(p.room(), p.quiet(), p.members()));
            if (!p.quiet()) {
                askWho(p.room()); // what it learnt while the room was quiet is not the whole room
            }
        } else if (event instanceof RelayEvent.WhoList w) {
            roster.setMembers(w.room(), w.nicks());
            if (!answersQuietWho(w.room())) {
                screen.print(format.who(w.room(), w.nicks()));
            }
        } else if (event instanceof RelayEvent.RoomList r) {
            screen.print(format.rooms(r.rooms()));
        } else if (event instanceof RelayEvent.Notice n) {
            screen.print(format.notice(List.of(), n.text()));
        } else if (event instanceof RelayEvent.ErrorReply e) {
            screen.print(format.error(e.text()));
        } else if (event instanceof RelayEvent.ProtocolError p) {
            screen.print(format.error("protocol error: " + p.message()));
        } else if (event instanceof RelayEvent.Bye b) {
            if (!leaving) {
                screen.print(format.notice(List.of(), "server: " + b.text()));
            }
        }
    }

    /** A session has started: its rooms, the prompt, and who is in each room. */
    private void arrived(String nick, String room, List<String> rooms) {
        live = true;
        synchronized (this) {
            quietWho.clear(); // what was asked on the last connection will not be answered
        }
        roster.reset(rooms);
        screen.prompt(prompt(nick, room));
        rooms.forEach(this::askWho);
    }

    private void joined(String room, String nick, String me) {
        if (!nick.equals(me)) {
            roster.joined(room, nick);
            screen.print(format.joined(room, nick, false));
        } else if (live) { // during setup, the connected line names the rooms
            roster.addRoom(room);
            screen.print(format.joined(room, nick, true));
            askWho(room);
        }
    }

    /** Whether a quit or rename line is the first of its kind: the roster knew the nick, or it is not the one just shown. */
    private boolean once(List<String> rooms, String what) {
        if (rooms.isEmpty() && what.equals(lastShown)) {
            return false;
        }
        lastShown = what;
        return true;
    }

    private static boolean mentions(String from, String text, String me) {
        return !from.equals(me) && Styles.mentions(text, me);
    }

    private void show(org.jline.utils.AttributedString line, boolean ring) {
        screen.print(line);
        if (ring) {
            screen.bell();
        }
    }

    /** Asks the server who is in {@code room}, to complete their nicks; the answer is not printed. */
    private void askWho(String room) {
        RelayClient relayClient = client;
        if (relayClient == null) {
            return;
        }
        synchronized (this) {
            quietWho.merge(room, 1, Integer::sum);
        }
        relayClient.command("/who " + room).exceptionally(failure -> {
            answersQuietWho(room); // no answer will come for it
            return null;
        });
    }

    /** Counts down the quiet requests for {@code room}; whether this answer was one of them. */
    private synchronized boolean answersQuietWho(String room) {
        Integer waiting = quietWho.get(room);
        if (waiting == null) {
            return false;
        }
        if (waiting <= 1) {
            quietWho.remove(room);
        } else {
            quietWho.put(room, waiting - 1);
        }
        return true;
    }

    private void updatePrompt() {
        RelayClient relayClient = client;
        if (relayClient != null) {
            String prompt = prompt(relayClient.nick(), relayClient.room());
            screen.prompt(live ? prompt : "(offline) " + prompt);
        }
    }

    private static String prompt(String nick, String room) {
        return nick + "@#" + room + "> ";
    }

    // ---- your own lines, once the client has sent them ----

    /** You said {@code text} in {@code room}. */
    void said(String room, String text) {
        screen.print(format.message(room, nick(), TextSanitizer.clean(text), Tone.OWN));
    }

    /** You did {@code /me text} in {@code room}. */
    void acted(String room, String text) {
        screen.print(format.action(room, nick(), TextSanitizer.clean(text), Tone.OWN));
    }

    /** You sent {@code text} to {@code to} only. */
    void sentPrivately(String to, String text) {
        screen.print(format.privateTo(to, TextSanitizer.clean(text)));
    }

    /** Your {@code /ping} came back after {@code nanos}. */
    void pong(long nanos) {
        screen.print(format.pong(nanos));
    }

    /**
     * A request failed: shown, unless the server refused it, which its {@code ERR} line has shown already,
     * or the console is leaving.
     */
    void failed(Throwable failure) {
        Throwable cause = failure instanceof CompletionException && failure.getCause() != null
                ? failure.getCause() : failure;
        if (leaving || (cause instanceof RelayClientException refused && refused.errorCode() != null)) {
            return;
        }
        screen.print(format.error(cause.getMessage() == null ? cause.toString() : cause.getMessage()));
    }
}
