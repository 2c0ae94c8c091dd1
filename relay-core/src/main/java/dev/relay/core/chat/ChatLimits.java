package dev.relay.core.chat;

import java.time.Duration;
import java.util.Objects;

/**
 * Limits the chat protocol enforces on rooms and on closing.
 *
 * @param maxRooms          rooms that may exist at once; a {@code /join} that would create one more gets
 *                          {@code ERR too-many-rooms}; default {@value #DEFAULT_MAX_ROOMS}
 * @param maxMembersPerRoom members a room may have; a {@code /join} of a full room gets
 *                          {@code ERR room-full}, and a connection whose default room is full is
 *                          refused; default {@value #DEFAULT_MAX_MEMBERS_PER_ROOM}
 * @param closeTimeout      after the server says {@code BYE} ({@code /quit}, idle), how long it waits for
 *                          the line to be taken before it closes the connection anyway; default 3 s
 */
public record ChatLimits(int maxRooms, int maxMembersPerRoom, Duration closeTimeout) {

    public static final int DEFAULT_MAX_ROOMS = 10_000;
    public static final int DEFAULT_MAX_MEMBERS_PER_ROOM = 10_000;
    public static final Duration DEFAULT_CLOSE_TIMEOUT = Duration.ofSeconds(3);
    /** The longest close timeout accepted. */
    public static final Duration MAX_CLOSE_TIMEOUT = Duration.ofMinutes(10);
    public static final ChatLimits DEFAULTS = new ChatLimits(DEFAULT_MAX_ROOMS, DEFAULT_MAX_MEMBERS_PER_ROOM);

    public ChatLimits {
        if (maxRooms < 1 || maxMembersPerRoom < 1) {
            throw new IllegalArgumentException("room limits must be at least 1: " + maxRooms + ", " + maxMembersPerRoom);
        }
        Objects.requireNonNull(closeTimeout, "closeTimeout");
        if (closeTimeout.isNegative() || closeTimeout.compareTo(MAX_CLOSE_TIMEOUT) > 0) {
            throw new IllegalArgumentException("close timeout must be between 0 and "
                    + MAX_CLOSE_TIMEOUT.toMillis() + " ms: " + closeTimeout.toMillis() + " ms");
        }
    }

    /** Room limits with the default close timeout. */
    public ChatLimits(int maxRooms, int maxMembersPerRoom) {
        this(maxRooms, maxMembersPerRoom, DEFAULT_CLOSE_TIMEOUT);
    }
}
