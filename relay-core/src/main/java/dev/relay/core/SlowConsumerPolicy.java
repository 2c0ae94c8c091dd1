package dev.relay.core;

/** What a room does with a member whose pending outbound bytes are over the cap. */
public enum SlowConsumerPolicy {
    /** Close the member's connection; its room is told it quit, with the reason. The default. */
    DISCONNECT,
    /** Skip the member for each message while it is over the cap; count what it missed and tell it when it catches up. */
    DROP
}
