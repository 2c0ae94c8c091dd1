/**
 * Rooms and their encode-once fan-out ({@link dev.relay.core.Room}, {@link dev.relay.core.RoomRegistry}):
 * the raw relay layer, which the chat protocol in {@link dev.relay.core.chat} builds on.
 */
@NullMarked
package dev.relay.core;

import org.jspecify.annotations.NullMarked;
