/**
 * The chat protocol of PROTOCOL.md: {@link dev.relay.core.chat.ChatHandler} and its
 * {@link dev.relay.core.chat.Session}s, the {@link dev.relay.core.chat.Delivery} seam, and the
 * server line format ({@link dev.relay.core.chat.ServerLines} writes it, {@link dev.relay.core.chat.ServerLine} reads it).
 */
@NullMarked
package dev.relay.core.chat;

import org.jspecify.annotations.NullMarked;
