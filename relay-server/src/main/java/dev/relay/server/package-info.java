/**
 * The relay server: {@link dev.relay.server.RelayServer} built from a {@link dev.relay.server.RelayServerConfig},
 * and the {@code relay-server.jar} command line ({@link dev.relay.server.Main}).
 */
@NullMarked
package dev.relay.server;

import org.jspecify.annotations.NullMarked;
