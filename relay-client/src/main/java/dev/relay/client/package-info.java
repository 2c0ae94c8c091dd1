/**
 * The Java client for the relay. This module is a placeholder until the client library lands; until
 * then a client can be written from PROTOCOL.md with {@link dev.relay.core.codec.FrameCodec} and
 * {@link dev.relay.core.chat.ServerLine} from relay-core.
 */
@NullMarked
package dev.relay.client;

import org.jspecify.annotations.NullMarked;
