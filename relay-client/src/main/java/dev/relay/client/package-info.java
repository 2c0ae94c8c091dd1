/**
 * The Java client for the relay: {@link dev.relay.client.RelayClient} built from a
 * {@link dev.relay.client.RelayClientConfig}, reporting {@link dev.relay.client.RelayEvent}s to a
 * {@link dev.relay.client.RelayListener}, with reconnect ({@link dev.relay.client.ReconnectPolicy}) and a
 * heartbeat.
 */
@NullMarked
package dev.relay.client;

import org.jspecify.annotations.NullMarked;
