/**
 * Framing: cutting a byte stream into frames and back ({@link dev.relay.core.codec.Framing},
 * {@link dev.relay.core.codec.FrameCodec}). Knows bytes and strings, nothing about chat.
 */
@NullMarked
package dev.relay.core.codec;

import org.jspecify.annotations.NullMarked;
