package dev.relay.core;

import dev.relay.core.internal.LoopClock;
import io.netty.channel.EventLoop;
import io.netty.util.concurrent.ScheduledFuture;
import io.netty.util.concurrent.Ticker;
import java.util.ArrayList;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * The {@link Account}s of one event loop for one {@link SlowConsumerGuard}, and their total.
 *
 * <p>Growth is counted the moment it happens (each fan-out delivery charges its member's account), in
 * plain fields of this loop: nothing shared is written per message. The loop's total is published for
 * the guard's server-wide sum whenever it has grown by a quantum since the last look, and on every
 * sweep. Shrinking (a socket taking bytes) is seen at the member's next delivery or at the next sweep,
 * so between sweeps the total can only be too high, never too low: the budget errs on the safe side.
 *
 * <p>The sweep runs every {@link #SWEEP_MILLIS} ms while the loop has accounts. It recounts every
 * account exactly and applies the rules that depend on time rather than on traffic: over the soft
 * limit for longer than the grace period, reading held back for longer than it, an unfinished frame
 * that stopped growing.
 *
 * <p>Threading: everything runs on {@link #loop}; what it publishes goes into the guard's striped sum.
 */
final class LoopLedger {

    static final long SWEEP_MILLIS = 100;

    final EventLoop loop;
    private final SlowConsumerGuard guard;
    private final Ticker ticker;
    /** Accounts on this loop; the guard drops this ledger at 0. Guarded by the guard's map. */
    int reserved;

    private final ArrayList<Account> accounts = new ArrayList<>();
    private long total;
    private long lastLook;
    /** What this ledger last added to the guard's sum. */
    private long published;
    private ScheduledFuture<?> sweep;

    LoopLedger(EventLoop loop, SlowConsumerGuard guard) {
        this.loop = loop;
        this.guard = guard;
        this.ticker = LoopClock.of(loop);
    }

    long now() {
        long now = ticker.nanoTime();
        return now == 0 ? 1 : now;
    }

    void add(Account account) {
        if (account.index >= 0) {
            return;
        }
        account.index = accounts.size();
        accounts.add(account);
        if (sweep == null) {
            try {
                sweep = loop.scheduleAtFixedRate(this::sweep, SWEEP_MILLIS, SWEEP_MILLIS, TimeUnit.MILLISECONDS);
            } catch (RejectedExecutionException shuttingDown) {
                // the loop is stopping and its channels with it
            }
        }
    }

    void remove(Account account) {
        int at = account.index;
        if (at < 0) {
            return;
        }
        Account last = accounts.remove(accounts.size() - 1);
        if (last != account) {
            accounts.set(at, last);
            last.index = at;
        }
        account.index = -1;
        total -= account.charged;
        account.charged = 0;
        publish();
        if (accounts.isEmpty() && sweep != null) {
            sweep.cancel(false);
            sweep = null;
        }
    }

    /** Adds what changed since the last time to the guard's server-wide sum. */
    private void publish() {
        long delta = total - published;
        if (delta != 0) {
            published = total;
            guard.published(delta);
        }
    }

    /** Records that {@code account} now holds {@code held} bytes; looks at the budget when the total grew enough. */
    void charge(Account account, long held) {
        long delta = held - account.charged;
        if (delta == 0 || account.index < 0) {
            return;
        }
        account.charged = held;
        total += delta;
        if (total - lastLook > guard.quantum()) {
            lastLook = total;
            publish();
            guard.checkBudget();
        } else if (total < lastLook) {
            lastLook = total;
        }
    }

    private void sweep() {
        long now = now();
        // by index from the end: a rule applied here may close a channel, which removes its account
        for (int i = accounts.size() - 1; i >= 0; i--) {
            if (i >= accounts.size()) {
                continue;
            }
            Account account = accounts.get(i);
            try {
                guard.sweep(account, now);
            } catch (RuntimeException e) {
                account.channel.close(); // never let one channel stop the sweep of the others
            }
        }
        lastLook = total;
        publish();
        guard.checkBudget();
    }

    @Override
    public String toString() {
        return "LoopLedger(" + loop + ", " + accounts.size() + " accounts, " + total + " bytes)";
    }
}
