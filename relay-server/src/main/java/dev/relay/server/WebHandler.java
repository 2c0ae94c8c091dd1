package dev.relay.server;

import dev.relay.core.chat.TransportReady;
import dev.relay.core.codec.Framing;
import dev.relay.core.handler.ConnectionLimitHandler;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.handler.codec.http.websocketx.WebSocketDecoderConfig;
import io.netty.handler.codec.http.websocketx.WebSocketServerHandshaker;
import io.netty.handler.codec.http.websocketx.WebSocketServerHandshakerFactory;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.handler.timeout.IdleStateHandler;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The web side of the port, for a connection the {@link ProtocolDetector} found to be HTTP: serves the
 * chat page ({@code /}, {@code /app.js}, {@code /app.css}) and turns a WebSocket upgrade at {@code /ws}
 * into a chat connection.
 *
 * <ul>
 *   <li>Only {@code GET} and {@code HEAD}; anything else is 405. Unknown paths are 404.</li>
 *   <li>Every response has {@code Content-Security-Policy} (the page's own scripts and styles only, and
 *       WebSocket connections to its own host), {@code X-Content-Type-Options: nosniff},
 *       {@code Referrer-Policy: no-referrer}, and {@code Cache-Control: no-cache} with an {@code ETag}, so a
 *       browser revalidates (304) and never runs a stale page against a newer server.</li>
 *   <li>A WebSocket upgrade is refused with 403 when its {@code Origin} is neither the page's own (the
 *       {@code Host} it was asked for) nor in {@link WebConfig#allowedOrigins()}. A request without an
 *       {@code Origin} comes from a program, not a browser page, and is let in: the check protects
 *       browsers' users from other sites' pages, which always send one.</li>
 *   <li>A connection over a connection limit gets 503 with {@code Retry-After}, and is closed.</li>
 *   <li>Keep-alive is honoured; an HTTP connection idle for {@value #KEEP_ALIVE_SECONDS} s is closed.
 *       Requests are small: the request line and headers are capped (2 KiB, 8 KiB) and bodies too
 *       ({@value #MAX_BODY} bytes).</li>
 * </ul>
 *
 * <p>The page is served as one response: {@code index.html} with {@code app.css} and {@code app.js} put
 * inline (and allowed by their hashes in the policy). Its sources stay three files; a browser needs one
 * request, on one connection, and never opens a spare connection for the page's parts that could sit
 * silent past the detection window and be greeted as a line client.
 *
 * <p>{@link Sharable} and stateless: one per server; the page's bytes are loaded once, at construction.
 */
@Sharable
final class WebHandler extends SimpleChannelInboundHandler<FullHttpRequest> {

    private static final Logger log = LoggerFactory.getLogger(WebHandler.class);

    static final int KEEP_ALIVE_SECONDS = 60;
    static final int MAX_BODY = 4096;
    static final String WEBSOCKET_PATH = "/ws";
    private static final Pattern SAFE_HOST = Pattern.compile("[A-Za-z0-9.\\-]+(:[0-9]{1,5})?|\\[[0-9A-Fa-f:.]+\\](:[0-9]{1,5})?");

    private record Resource(byte[] bytes, String contentType, String etag) {
    }

    private static final String STYLE_LINK = "<link rel=\"stylesheet\" href=\"app.css\">";
    private static final String SCRIPT_TAG = "<script src=\"app.js\" defer></script>";

    private final ChatConnections chats;
    private final WebConfig config;
    private final Map<String, Resource> resources;
    private final String contentSecurityPolicy;
    private final WebSocketDecoderConfig decoderConfig;

    WebHandler(ChatConnections chats, WebConfig config) {
        this.chats = chats;
        this.config = config;
        String html = new String(read("index.html"), StandardCharsets.UTF_8);
        String css = new String(read("app.css"), StandardCharsets.UTF_8);
        String js = new String(read("app.js"), StandardCharsets.UTF_8);
        if (!html.contains(STYLE_LINK) || !html.contains(SCRIPT_TAG) || !html.contains("</body>")) {
            throw new IllegalStateException("index.html must link app.css and app.js as " + STYLE_LINK + " and " + SCRIPT_TAG);
        }
        // One response holds the whole page: a browser needs no second connection for it, so none can sit
        // silent long enough to be taken for a line client. The inline parts are allowed by their hashes.
        String page = html.replace(STYLE_LINK, "<style>" + css + "</style>").replace(SCRIPT_TAG, "")
                .replace("</body>", "<script>" + js + "</script>\n</body>");
        this.contentSecurityPolicy = "default-src 'none'; script-src 'self' '" + hash(js) + "'; style-src 'self' '"
                + hash(css) + "'; img-src 'self' data:; connect-src 'self'";
        Resource index = resource(page.getBytes(StandardCharsets.UTF_8), "text/html; charset=utf-8");
        this.resources = Map.of(
                "/", index,
                "/index.html", index,
                "/app.js", resource(js.getBytes(StandardCharsets.UTF_8), "text/javascript; charset=utf-8"),
                "/app.css", resource(css.getBytes(StandardCharsets.UTF_8), "text/css; charset=utf-8"));
        this.decoderConfig = WebSocketDecoderConfig.newBuilder()
                .maxFramePayloadLength(chats.codec(Framing.WEBSOCKET).maxFrameLength())
                .allowExtensions(false) // no compression: room traffic is encoded once for every member
                .allowMaskMismatch(false)
                .closeOnProtocolViolation(false) // WebSocketLines closes, with the reason
                .build();
    }

    /** Adds the HTTP stack (codec, keep-alive timeout, aggregator, this) at the end of {@code pipeline}. */
    void addTo(ChannelPipeline pipeline) {
        pipeline.addLast(RelayPipeline.HTTP_CODEC, new HttpServerCodec(new HttpDecoderConfig()
                .setMaxInitialLineLength(ProtocolDetector.MAX_REQUEST_TARGET + 64).setMaxHeaderSize(8 * 1024)));
        pipeline.addLast(RelayPipeline.HTTP_IDLE, new IdleStateHandler(0, 0, KEEP_ALIVE_SECONDS, TimeUnit.SECONDS));
        pipeline.addLast(RelayPipeline.HTTP_AGGREGATOR, new HttpObjectAggregator(MAX_BODY, true));
        pipeline.addLast(RelayPipeline.WEB, this);
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
        if (!request.decoderResult().isSuccess()) {
            respond(ctx, request, text(HttpResponseStatus.BAD_REQUEST, "Bad request"), false);
            return;
        }
        String refusal = ConnectionLimitHandler.refusal(ctx.channel());
        if (refusal != null) {
            FullHttpResponse busy = text(HttpResponseStatus.SERVICE_UNAVAILABLE, refusal);
            busy.headers().set(HttpHeaderNames.RETRY_AFTER, 10);
            respond(ctx, request, busy, false);
            return;
        }
        HttpMethod method = request.method();
        if (!method.equals(HttpMethod.GET) && !method.equals(HttpMethod.HEAD)) {
            FullHttpResponse response = text(HttpResponseStatus.METHOD_NOT_ALLOWED, "Only GET and HEAD");
            response.headers().set(HttpHeaderNames.ALLOW, "GET, HEAD");
            respond(ctx, request, response, HttpUtil.isKeepAlive(request));
            return;
        }
        String path = new QueryStringDecoder(request.uri()).path();
        if (path.equals(WEBSOCKET_PATH)) {
            upgrade(ctx, request);
            return;
        }
        Resource resource = resources.get(path);
        if (resource == null) {
            respond(ctx, request, text(HttpResponseStatus.NOT_FOUND, "Not found: the chat page is at /"),
                    HttpUtil.isKeepAlive(request));
            return;
        }
        FullHttpResponse response;
        if (resource.etag().equals(request.headers().get(HttpHeaderNames.IF_NONE_MATCH))) {
            response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.NOT_MODIFIED);
        } else {
            ByteBuf body = method.equals(HttpMethod.HEAD) ? Unpooled.EMPTY_BUFFER : Unpooled.wrappedBuffer(resource.bytes());
            response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK, body);
            response.headers().set(HttpHeaderNames.CONTENT_TYPE, resource.contentType());
        }
        response.headers().set(HttpHeaderNames.ETAG, resource.etag());
        HttpUtil.setContentLength(response, resource.bytes().length);
        respond(ctx, request, response, HttpUtil.isKeepAlive(request));
    }

    /** A WebSocket upgrade at {@code /ws}: origin and upgrade headers checked, then the handshake, then the chat. */
    private void upgrade(ChannelHandlerContext ctx, FullHttpRequest request) {
        String host = request.headers().get(HttpHeaderNames.HOST);
        String origin = request.headers().get(HttpHeaderNames.ORIGIN);
        if (origin != null && !originAllowed(origin, host)) {
            log.debug("Refusing a WebSocket from {} on {}: origin {} is not allowed", ctx.channel().remoteAddress(),
                    host, origin);
            respond(ctx, request, text(HttpResponseStatus.FORBIDDEN,
                    "This origin may not open a chat WebSocket here: " + origin), false);
            return;
        }
        if (!request.headers().containsValue(HttpHeaderNames.UPGRADE, HttpHeaderValues.WEBSOCKET, true)) {
            FullHttpResponse response = text(HttpResponseStatus.UPGRADE_REQUIRED,
                    "Open /ws as a WebSocket; the chat page is at /");
            response.headers().set(HttpHeaderNames.UPGRADE, HttpHeaderValues.WEBSOCKET);
            respond(ctx, request, response, HttpUtil.isKeepAlive(request));
            return;
        }
        String location = "ws://" + (host != null ? host : "localhost") + WEBSOCKET_PATH;
        if (!"13".equals(request.headers().get(HttpHeaderNames.SEC_WEBSOCKET_VERSION))) {
            WebSocketServerHandshakerFactory.sendUnsupportedVersionResponse(ctx.channel()); // RFC 6455 only
            return;
        }
        WebSocketServerHandshaker handshaker = CountedWebSocketDecoder.handshaker(location, decoderConfig);
        Channel channel = ctx.channel();
        ChannelPipeline pipeline = ctx.pipeline();
        pipeline.remove(RelayPipeline.HTTP_IDLE);
        pipeline.addLast(RelayPipeline.WEBSOCKET, new WebSocketLines(config.pingInterval(), chats.codec(Framing.WEBSOCKET).maxFrameLength()));
        chats.addFraming(pipeline, Framing.WEBSOCKET);
        chats.addChat(pipeline);
        channel.config().setAutoRead(false); // nothing more until the handshake is through
        handshaker.handshake(channel, request).addListener((ChannelFuture done) -> {
            if (!done.isSuccess()) {
                log.debug("WebSocket handshake with {} failed: {}", channel, String.valueOf(done.cause()));
                channel.close();
                return;
            }
            pipeline.remove(WebHandler.this);
            channel.config().setAutoRead(true);
            Duration window = chats.chat().limits().arrivalWindow();
            pipeline.fireUserEventTriggered(new TransportReady(Framing.WEBSOCKET, channel.remoteAddress(), window));
        });
    }

    /** Whether a page from {@code origin} may open a WebSocket on {@code host}: its own, or an allowed one. */
    boolean originAllowed(String origin, @Nullable String host) {
        String normalized;
        try {
            normalized = WebConfig.normalizeOrigin(origin);
        } catch (IllegalArgumentException e) {
            return false; // "null" (a sandboxed or file: page), or not an origin at all
        }
        if (config.allowedOrigins().contains("*") || config.allowedOrigins().contains(normalized)) {
            return true;
        }
        if (host == null) {
            return false;
        }
        String authority = normalized.substring(normalized.indexOf("://") + 3);
        boolean secure = normalized.startsWith("https:");
        return withoutDefaultPort(authority, secure).equals(withoutDefaultPort(host.strip().toLowerCase(Locale.ROOT), secure));
    }

    private static String withoutDefaultPort(String authority, boolean secure) {
        String port = secure ? ":443" : ":80";
        return authority.endsWith(port) ? authority.substring(0, authority.length() - port.length()) : authority;
    }

    /** Closes an HTTP connection that has been idle for the keep-alive time. */
    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
        if (evt instanceof IdleStateEvent) {
            ctx.close();
            return;
        }
        super.userEventTriggered(ctx, evt);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (cause instanceof IOException) {
            log.debug("Closing {}: {}", ctx.channel(), cause.toString());
        } else {
            log.warn("Closing {} after an unexpected error", ctx.channel(), cause);
        }
        ctx.close();
    }

    private static FullHttpResponse text(HttpResponseStatus status, String body) {
        FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status,
                Unpooled.copiedBuffer(body + "\n", StandardCharsets.UTF_8));
        response.headers().set(HttpHeaderNames.CONTENT_TYPE, "text/plain; charset=utf-8");
        HttpUtil.setContentLength(response, response.content().readableBytes());
        return response;
    }

    /** Adds the security headers and writes {@code response}; closes afterwards unless {@code keepAlive}. */
    private void respond(ChannelHandlerContext ctx, FullHttpRequest request, FullHttpResponse response, boolean keepAlive) {
        HttpHeaders headers = response.headers();
        String host = request.headers().get(HttpHeaderNames.HOST);
        String sockets = host != null && SAFE_HOST.matcher(host).matches() ? " ws://" + host + " wss://" + host : "";
        headers.set(HttpHeaderNames.CONTENT_SECURITY_POLICY, contentSecurityPolicy + sockets
                + "; base-uri 'none'; form-action 'none'; frame-ancestors 'none'");
        headers.set("X-Content-Type-Options", "nosniff");
        headers.set("Referrer-Policy", "no-referrer");
        headers.set(HttpHeaderNames.X_FRAME_OPTIONS, "DENY");
        if (!headers.contains(HttpHeaderNames.CACHE_CONTROL)) {
            headers.set(HttpHeaderNames.CACHE_CONTROL, "no-cache");
        }
        if (keepAlive && request.protocolVersion().equals(HttpVersion.HTTP_1_0)) {
            headers.set(HttpHeaderNames.CONNECTION, HttpHeaderValues.KEEP_ALIVE);
        } else if (!keepAlive) {
            headers.set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        }
        ChannelFuture written = ctx.writeAndFlush(response);
        if (!keepAlive) {
            written.addListener(ChannelFutureListener.CLOSE);
        }
    }

    private static byte[] read(String name) {
        String path = "web/" + name;
        try (InputStream in = WebHandler.class.getResourceAsStream(path)) {
            if (in == null) {
                throw new IllegalStateException("the chat page's " + name + " is missing from the jar (" + path + ")");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the chat page's " + name, e);
        }
    }

    private static Resource resource(byte[] bytes, String contentType) {
        return new Resource(bytes, contentType, '"' + HexFormat.of().formatHex(sha256(bytes), 0, 12) + '"');
    }

    /** A CSP source expression allowing exactly {@code inline} as an inline script or style. */
    private static String hash(String inline) {
        return "sha256-" + java.util.Base64.getEncoder().encodeToString(sha256(inline.getBytes(StandardCharsets.UTF_8)));
    }

    private static byte[] sha256(byte[] bytes) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(bytes);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
