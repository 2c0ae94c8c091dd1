/** Handlers an app can put in its own pipeline: the raw {@link dev.relay.core.handler.BroadcastHandler}. */
@NullMarked
package dev.relay.core.handler;

import org.jspecify.annotations.NullMarked;
