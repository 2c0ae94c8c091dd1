/** Helpers shared by relay-core's packages; not public API, may change without notice. */
@NullMarked
package dev.relay.core.internal;

import org.jspecify.annotations.NullMarked;
