package dev.relay.core.chat;

/**
 * Limits the chat protocol enforces on rooms.
 *
 * @param maxRooms          rooms that may exist at once; a {@code /join} that would create one more gets
 *                          {@code ERR too-many-rooms}; default {@value #DEFAULT_MAX_ROOMS}
 * @param maxMembersPerRoom members a room may have; a {@code /join} of a full room gets
 *                          {@code ERR room-full}, and a connection whose default room is full is
 *                          refused; default {@value #DEFAULT_MAX_MEMBERS_PER_ROOM}
 */
public record ChatLimits(int maxRooms, int maxMembersPerRoom) {

    public static final int DEFAULT_MAX_ROOMS = 10_000;
    public static final int DEFAULT_MAX_MEMBERS_PER_ROOM = 10_000;
    public static final ChatLimits DEFAULTS = new ChatLimits(DEFAULT_MAX_ROOMS, DEFAULT_MAX_MEMBERS_PER_ROOM);

    public ChatLimits {
        if (maxRooms < 1 || maxMembersPerRoom < 1) {
            throw new IllegalArgumentException("room limits must be at least 1: " + maxRooms + ", " + maxMembersPerRoom);
        }
    }
}
