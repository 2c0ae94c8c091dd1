package dev.relay.core.chat;

import java.time.Duration;
import java.util.Objects;

/**
 * Limits the chat protocol enforces on rooms, on arriving and on closing.
 *
 * @param maxRooms              rooms that may exist at once; a {@code /join} that would create one more
 *                              gets {@code ERR too-many-rooms}; default {@value #DEFAULT_MAX_ROOMS}
 * @param maxMembersPerRoom     members a room may have; a {@code /join} of a full room gets
 *                              {@code ERR room-full}, and a connection whose default room is full is
 *                              refused; default {@value #DEFAULT_MAX_MEMBERS_PER_ROOM}
 * @param closeTimeout          after the server says {@code BYE} ({@code /quit}, idle), how long it waits
 *                              for the line to be taken before it closes the connection anyway; default 3 s
 * @param maxRoomsPerConnection rooms one connection may be in at once; one more {@code /join} gets
 *                              {@code ERR too-many-joined}; default {@value #DEFAULT_MAX_ROOMS_PER_CONNECTION}
 * @param arrivalWindow         how long a new connection has to send its {@code /hello} arrival line
 *                              before it is made a guest in the default room; {@link Duration#ZERO} makes
 *                              every connection a guest at once (a {@code /hello} then renames and joins);
 *                              default 250 ms
 * @param presenceLimit         the members a room may have before the arrivals, departures and renames
 *                              of others in it stop being announced (PROTOCOL.md, "Big rooms"); they are
 *                              announced again once it is down to {@link #presenceResumeAt()}; 0 for no
 *                              limit (always announced); default {@value #DEFAULT_PRESENCE_LIMIT}
 * @param presenceDelay         how long the news of others' arrivals, departures and renames may wait to
 *                              share a write with what a member gets next (it never falls behind that);
 *                              a member's own presence lines are never held back; {@link Duration#ZERO}
 *                              sends each at once; default 100 ms
 */
public record ChatLimits(int maxRooms, int maxMembersPerRoom, Duration closeTimeout, int maxRoomsPerConnection,
        Duration arrivalWindow, int presenceLimit, Duration presenceDelay) {

    public static final int DEFAULT_MAX_ROOMS = 10_000;
    public static final int DEFAULT_MAX_MEMBERS_PER_ROOM = 10_000;
    public static final int DEFAULT_MAX_ROOMS_PER_CONNECTION = 50;
    public static final Duration DEFAULT_CLOSE_TIMEOUT = Duration.ofSeconds(3);
    public static final Duration DEFAULT_ARRIVAL_WINDOW = Duration.ofMillis(250);
    /**
     * A room of up to this many members hears everyone come and go, as a chat room should; past it, the
     * announcements would cost members × arrivals lines (50 million for 10,000 arrivals in one room)
     * and a list that long is no longer read by people anyway.
     */
    public static final int DEFAULT_PRESENCE_LIMIT = 50;
    /**
     * Presence news may wait this long: too short to notice in a chat, long enough that when a room fills
     * up, the join lines a member would get one write each mostly share writes instead.
     */
    public static final Duration DEFAULT_PRESENCE_DELAY = Duration.ofMillis(100);
    /** The longest presence delay accepted. */
    public static final Duration MAX_PRESENCE_DELAY = Duration.ofSeconds(10);
    /** The longest close timeout accepted. */
    public static final Duration MAX_CLOSE_TIMEOUT = Duration.ofMinutes(10);
    /** The longest arrival window accepted. */
    public static final Duration MAX_ARRIVAL_WINDOW = Duration.ofSeconds(10);
    public static final ChatLimits DEFAULTS = new ChatLimits(DEFAULT_MAX_ROOMS, DEFAULT_MAX_MEMBERS_PER_ROOM);

    public ChatLimits {
        if (maxRooms < 1 || maxMembersPerRoom < 1 || maxRoomsPerConnection < 1) {
            throw new IllegalArgumentException("room limits must be at least 1: " + maxRooms + ", "
                    + maxMembersPerRoom + ", " + maxRoomsPerConnection);
        }
        checkMillis("close timeout", closeTimeout, MAX_CLOSE_TIMEOUT);
        checkMillis("arrival window", arrivalWindow, MAX_ARRIVAL_WINDOW);
        if (presenceLimit < 0) {
            throw new IllegalArgumentException("the presence limit must be at least 0 (no limit): " + presenceLimit);
        }
        checkMillis("presence delay", presenceDelay, MAX_PRESENCE_DELAY);
    }

    /** These limits with the default presence delay. */
    public ChatLimits(int maxRooms, int maxMembersPerRoom, Duration closeTimeout, int maxRoomsPerConnection,
            Duration arrivalWindow, int presenceLimit) {
        this(maxRooms, maxMembersPerRoom, closeTimeout, maxRoomsPerConnection, arrivalWindow, presenceLimit,
                DEFAULT_PRESENCE_DELAY);
    }

    /** These limits with the default presence limit. */
    public ChatLimits(int maxRooms, int maxMembersPerRoom, Duration closeTimeout, int maxRoomsPerConnection,
            Duration arrivalWindow) {
        this(maxRooms, maxMembersPerRoom, closeTimeout, maxRoomsPerConnection, arrivalWindow, DEFAULT_PRESENCE_LIMIT);
    }

    /** Room limits with the default close timeout, rooms per connection, arrival window and presence limit. */
    public ChatLimits(int maxRooms, int maxMembersPerRoom) {
        this(maxRooms, maxMembersPerRoom, DEFAULT_CLOSE_TIMEOUT);
    }

    /** Room limits and close timeout with the default rooms per connection, arrival window and presence limit. */
    public ChatLimits(int maxRooms, int maxMembersPerRoom, Duration closeTimeout) {
        this(maxRooms, maxMembersPerRoom, closeTimeout, DEFAULT_MAX_ROOMS_PER_CONNECTION, DEFAULT_ARRIVAL_WINDOW);
    }

    /** These limits with {@code max} rooms per connection. */
    public ChatLimits withMaxRoomsPerConnection(int max) {
        return new ChatLimits(maxRooms, maxMembersPerRoom, closeTimeout, max, arrivalWindow, presenceLimit,
                presenceDelay);
    }

    /** These limits with the arrival window {@code window}. */
    public ChatLimits withArrivalWindow(Duration window) {
        return new ChatLimits(maxRooms, maxMembersPerRoom, closeTimeout, maxRoomsPerConnection, window, presenceLimit,
                presenceDelay);
    }

    /** These limits with the presence limit {@code limit} (0: no limit, every room announces everything). */
    public ChatLimits withPresenceLimit(int limit) {
        return new ChatLimits(maxRooms, maxMembersPerRoom, closeTimeout, maxRoomsPerConnection, arrivalWindow, limit,
                presenceDelay);
    }

    /** These limits with the presence delay {@code delay} ({@link Duration#ZERO}: presence is sent at once). */
    public ChatLimits withPresenceDelay(Duration delay) {
        return new ChatLimits(maxRooms, maxMembersPerRoom, closeTimeout, maxRoomsPerConnection, arrivalWindow,
                presenceLimit, delay);
    }

    /**
     * The size a quiet room must shrink to before announcements resume: three quarters of the
     * {@link #presenceLimit()} (at least 1), so a room that hovers around the limit does not flap
     * between the two; 0 when there is no limit.
     */
    public int presenceResumeAt() {
        return presenceLimit == 0 ? 0 : (int) Math.max(1, presenceLimit * 3L / 4);
    }

    private static void checkMillis(String what, Duration value, Duration max) {
        Objects.requireNonNull(value, what);
        if (value.isNegative() || value.compareTo(max) > 0) {
            throw new IllegalArgumentException(what + " must be between 0 and " + max.toMillis() + " ms: "
                    + value.toMillis() + " ms");
        }
    }
}
