package dev.relay.bench;

import java.util.Locale;

/**
 * What a max-rate publisher's window of W messages is held against (see {@link SendWindow}).
 *
 * <p>Immutable and thread-safe.
 */
enum WindowMode {

    /** At most W messages ahead of the slowest reader of its room: every reader keeps up, always. */
    SLOWEST,

    /**
     * At most W × readers deliveries ahead over all readers together, the sum over readers of
     * (sent − received by that reader): one reader may briefly be far behind while the room as a whole
     * keeps up, as real publishers (and other load generators) hold their windows.
     */
    TOTAL;

    /** @throws IllegalArgumentException naming the accepted values if {@code name} is neither */
    static WindowMode parse(String name) {
        for (WindowMode mode : values()) {
            if (mode.label().equals(name)) {
                return mode;
            }
        }
        throw new IllegalArgumentException("unknown window mode '" + name + "': use slowest or total");
    }

    /** The name on the command line and in the results: {@code slowest} or {@code total}. */
    String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
