package dev.relay.server;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * The web side of a relay port: the chat page at {@code /} and WebSocket clients at {@code /ws}.
 *
 * @param enabled        whether HTTP is detected on the port at all; default on ({@code --no-web} turns it off)
 * @param allowedOrigins the browser origins, besides the page's own, allowed to open a WebSocket
 *                       ({@code scheme://host[:port]}, lower case, or {@code *} for any); default none: only
 *                       the same origin (the request's {@code Host})
 * @param pingInterval   how often the server pings each WebSocket client; a client that has not answered
 *                       (sent anything) by the next ping is closed; default 30 s; {@link Duration#ZERO} turns
 *                       pings off
 *
 * <p>Immutable; any thread.
 */
public record WebConfig(boolean enabled, List<String> allowedOrigins, Duration pingInterval) {

    public static final Duration DEFAULT_PING_INTERVAL = Duration.ofSeconds(30);
    /** The longest ping interval accepted. */
    public static final Duration MAX_PING_INTERVAL = Duration.ofHours(1);
    public static final WebConfig DEFAULTS = new WebConfig(true, List.of(), DEFAULT_PING_INTERVAL);

    public WebConfig {
        allowedOrigins = allowedOrigins.stream().map(WebConfig::normalizeOrigin).toList();
        RelayServerConfig.Builder.checkDuration("WebSocket ping interval", pingInterval, MAX_PING_INTERVAL);
    }

    public WebConfig withEnabled(boolean enabled) {
        return new WebConfig(enabled, allowedOrigins, pingInterval);
    }

    public WebConfig withAllowedOrigins(List<String> origins) {
        return new WebConfig(enabled, origins, pingInterval);
    }

    public WebConfig withPingInterval(Duration interval) {
        return new WebConfig(enabled, allowedOrigins, interval);
    }

    /**
     * An origin as browsers send it: {@code scheme://host[:port]}, lower case, no path, no default port;
     * {@code *} stays.
     *
     * @throws IllegalArgumentException saying what is wrong with it
     */
    public static String normalizeOrigin(String origin) {
        String value = Objects.requireNonNull(origin, "origin").strip().toLowerCase(Locale.ROOT);
        if (value.equals("*")) {
            return value;
        }
        URI uri;
        try {
            uri = new URI(value);
        } catch (java.net.URISyntaxException e) {
            throw new IllegalArgumentException("bad origin '" + origin + "': " + e.getReason());
        }
        if (!("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) || uri.getHost() == null
                || (uri.getRawPath() != null && !uri.getRawPath().isEmpty() && !uri.getRawPath().equals("/"))
                || uri.getRawQuery() != null || uri.getRawUserInfo() != null) {
            throw new IllegalArgumentException("bad origin '" + origin
                    + "': give it as scheme://host or scheme://host:port (http or https), or * for any");
        }
        String authority = uri.getRawAuthority();
        String defaultPort = uri.getScheme().equals("https") ? ":443" : ":80";
        if (authority.endsWith(defaultPort)) {
            authority = authority.substring(0, authority.length() - defaultPort.length());
        }
        return uri.getScheme() + "://" + authority;
    }
}
