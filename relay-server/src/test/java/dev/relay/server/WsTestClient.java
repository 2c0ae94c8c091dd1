package dev.relay.server;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PongWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketClientHandshaker;
import io.netty.handler.codec.http.websocketx.WebSocketClientHandshakerFactory;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketHandshakeException;
import io.netty.handler.codec.http.websocketx.WebSocketVersion;
import java.net.URI;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;

/**
 * A WebSocket test client on Netty's own client handshaker, driven frame by frame so that a test sees
 * every control frame: text messages arrive in {@link #messages}, the server's close frame in
 * {@link #closeFrame}, pings are counted and answered only if asked to. One event loop of its own,
 * stopped by {@link #close()}.
 */
final class WsTestClient implements AutoCloseable {

    record Close(int code, String reason) {
    }

    private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    final BlockingQueue<String> messages = new LinkedBlockingQueue<>();
    final CompletableFuture<Close> closeFrame = new CompletableFuture<>();
    final CompletableFuture<Void> closed = new CompletableFuture<>();
    final AtomicInteger pings = new AtomicInteger();
    private final CompletableFuture<Void> handshake = new CompletableFuture<>();
    private volatile boolean answerPings;
    private final Channel channel;

    private WsTestClient(int port, @Nullable String origin, boolean answerPings, int maxFrame) throws Exception {
        this.answerPings = answerPings;
        HttpHeaders headers = new DefaultHttpHeaders();
        if (origin != null) {
            headers.set(HttpHeaderNames.ORIGIN, origin);
        }
        WebSocketClientHandshaker handshaker = WebSocketClientHandshakerFactory.newHandshaker(
                new URI("ws://127.0.0.1:" + port + "/ws"), WebSocketVersion.V13, null, false, headers, maxFrame);
        try {
            channel = connect(port, handshaker);
            handshake.get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
            throw e;
        }
    }

    private Channel connect(int port, WebSocketClientHandshaker handshaker) throws InterruptedException {
        return new Bootstrap().group(group).channel(NioSocketChannel.class)
                .handler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline().addLast(new HttpClientCodec(), new HttpObjectAggregator(65536),
                                new SimpleChannelInboundHandler<Object>() {
                                    @Override
                                    public void channelActive(ChannelHandlerContext ctx) {
                                        handshaker.handshake(ctx.channel());
                                    }

                                    @Override
                                    public void channelInactive(ChannelHandlerContext ctx) {
                                        handshake.completeExceptionally(new IllegalStateException("closed before the handshake"));
                                        closed.complete(null);
                                    }

                                    @Override
                                    protected void channelRead0(ChannelHandlerContext ctx, Object msg) {
                                        if (!handshaker.isHandshakeComplete()) {
                                            try {
                                                handshaker.finishHandshake(ctx.channel(), (FullHttpResponse) msg);
                                                handshake.complete(null);
                                            } catch (WebSocketHandshakeException e) {
                                                handshake.completeExceptionally(e);
                                            }
                                            return;
                                        }
                                        WebSocketFrame frame = (WebSocketFrame) msg;
                                        if (frame instanceof TextWebSocketFrame text) {
                                            messages.add(text.text());
                                        } else if (frame instanceof PingWebSocketFrame ping) {
                                            pings.incrementAndGet();
                                            if (WsTestClient.this.answerPings) {
                                                ctx.writeAndFlush(new PongWebSocketFrame(ping.content().retain()));
                                            }
                                        } else if (frame instanceof CloseWebSocketFrame close) {
                                            closeFrame.complete(new Close(close.statusCode(), close.reasonText()));
                                            ctx.writeAndFlush(new CloseWebSocketFrame(close.statusCode(), null));
                                        }
                                    }
                                });
                    }
                }).connect("127.0.0.1", port).sync().channel();
    }

    /** Connected and upgraded, with {@code origin} (none if {@code null}), answering pings as a browser does. */
    static WsTestClient connect(int port, @Nullable String origin) throws Exception {
        return new WsTestClient(port, origin, true, 1 << 20);
    }

    /** Like {@link #connect}, but deaf to pings. */
    static WsTestClient deaf(int port, @Nullable String origin) throws Exception {
        return new WsTestClient(port, origin, false, 1 << 20);
    }

    /** The handshake's failure when the server refuses the upgrade: the status line it answered with. */
    static Throwable refusal(int port, @Nullable String origin) {
        try (WsTestClient client = new WsTestClient(port, origin, true, 1 << 20)) {
            throw new AssertionError("the upgrade was accepted");
        } catch (java.util.concurrent.ExecutionException e) {
            return e.getCause();
        } catch (Exception e) {
            return e;
        }
    }

    WsTestClient send(String text) {
        channel.writeAndFlush(new TextWebSocketFrame(text)).syncUninterruptibly();
        return this;
    }

    /** Sends one text message in fragments of {@code pieces}. */
    WsTestClient sendFragmented(String... pieces) {
        for (int i = 0; i < pieces.length; i++) {
            boolean last = i == pieces.length - 1;
            WebSocketFrame frame = i == 0
                    ? new TextWebSocketFrame(last, 0, pieces[i])
                    : new io.netty.handler.codec.http.websocketx.ContinuationWebSocketFrame(last, 0, pieces[i]);
            channel.writeAndFlush(frame).syncUninterruptibly();
        }
        return this;
    }

    WsTestClient sendBinary(byte[] bytes) {
        channel.writeAndFlush(new io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame(Unpooled.wrappedBuffer(bytes)))
                .syncUninterruptibly();
        return this;
    }

    /** The next text message, within 10 s. */
    String next() throws InterruptedException {
        String message = messages.poll(10, TimeUnit.SECONDS);
        if (message == null) {
            throw new AssertionError("no message within 10 s");
        }
        return message;
    }

    /** Skips messages until one starting with {@code prefix}, and returns it. */
    String nextStartingWith(String prefix) throws InterruptedException {
        for (int i = 0; i < 1000; i++) {
            String message = next();
            if (message.startsWith(prefix)) {
                return message;
            }
        }
        throw new AssertionError("no message starting with " + prefix);
    }

    Close awaitClose() throws Exception {
        return closeFrame.get(15, TimeUnit.SECONDS);
    }

    @Override
    public void close() {
        channel.close().syncUninterruptibly();
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }
}
