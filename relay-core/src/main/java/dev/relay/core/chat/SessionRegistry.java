package dev.relay.core.chat;

import java.util.Locale;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;

/**
 * The sessions of one relay by nick, which keeps nicks unique, compared case-insensitively.
 *
 * <p>Thread-safety: all methods may be called from any thread; claiming a nick is atomic.
 */
public final class SessionRegistry {

    private final ConcurrentMap<String, Session> byNick = new ConcurrentHashMap<>();
    private final AtomicLong guests = new AtomicLong();

    /** Reserves {@code nick} for {@code session}; {@code false} if someone else holds it. */
    boolean claim(String nick, Session session) {
        Session holder = byNick.putIfAbsent(key(nick), session);
        return holder == null || holder == session;
    }

    /** Frees {@code nick} if {@code session} holds it. */
    void release(String nick, Session session) {
        byNick.remove(key(nick), session);
    }

    /** Claims the next free guest nick ({@code guest1}, {@code guest2}, ...) for {@code session}. */
    String claimGuestNick(Session session) {
        while (true) {
            String nick = "guest" + guests.incrementAndGet();
            if (claim(nick, session)) {
                return nick;
            }
        }
    }

    /** The session holding {@code nick} (any case), or {@code null}. */
    public @Nullable Session find(String nick) {
        return byNick.get(key(nick));
    }

    /** The number of connected sessions. */
    public int size() {
        return byNick.size();
    }

    private static String key(String nick) {
        return nick.toLowerCase(Locale.ROOT);
    }
}
