package dev.relay.examples.embedded;

import dev.relay.core.RoomRegistry;
import dev.relay.core.codec.FrameCodec;
import dev.relay.core.codec.Framing;
import dev.relay.core.handler.BroadcastHandler;
import dev.relay.examples.ExampleArgs;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import java.net.InetSocketAddress;

/**
 * relay-core in an app's own Netty server, without the chat protocol: every length-prefixed frame a
 * client sends reaches every other client byte for byte: the README's "Embed relay-core" server as a class
 * to start and close. Usage: {@code RawRelay [PORT]} (default 7778; 0 picks a free one).
 */
public final class RawRelay implements AutoCloseable {

    private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(NioIoHandler.newFactory());
    private final RoomRegistry rooms = new RoomRegistry();
    private final Channel serverChannel;

    /** Binds 127.0.0.1:{@code port} (0 for any free port). */
    public RawRelay(int port) throws InterruptedException {
        FrameCodec codec = new FrameCodec(Framing.LENGTH, 64 * 1024);       // shared
        BroadcastHandler relay = new BroadcastHandler(rooms, "everyone");   // @Sharable
        ServerBootstrap bootstrap = new ServerBootstrap()
                .group(group)
                .channel(NioServerSocketChannel.class)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline().addLast(codec.newDecoder(), codec.encoder(), relay);
                    }
                });
        try {
            serverChannel = bootstrap.bind("127.0.0.1", port).sync().channel();
        } catch (Throwable e) { // e.g. the port is taken: do not leave the threads behind

            group.shutdownGracefully();
            throw e;
        }
    }

    public int port() {
        return ((InetSocketAddress) serverChannel.localAddress()).getPort();
    }

    /** The number of connected clients. */
    public int members() {
        var room = rooms.get("everyone");
        return room == null ? 0 : room.size();
    }

    @Override
    public void close() {
        serverChannel.close().syncUninterruptibly();
        group.shutdownGracefully().syncUninterruptibly();
    }

    public static void main(String[] args) throws InterruptedException {
        int code = ExampleArgs.run(args, RawRelay::serve);
        if (code != 0) {
            System.exit(code);
        }
    }

    private static void serve(String[] args) throws InterruptedException {
        ExampleArgs cli = ExampleArgs.parse("RawRelay", "[PORT]  (default 7778; 0 picks a free one)", 1, args);
        int port = cli.port(0, 7778);
        RawRelay relay;
        try {
            relay = new RawRelay(port);
        } catch (InterruptedException e) {
            throw e;
        } catch (Exception e) { // what bind() failed with, e.g. java.net.BindException: Address already in use
            throw cli.cannotStart("cannot listen on 127.0.0.1:" + port + ": " + e.getMessage());
        }
        Runtime.getRuntime().addShutdownHook(new Thread(relay::close));
        System.out.println("Raw relay (length framing) on port " + relay.port());
        relay.serverChannel.closeFuture().sync();
    }
}
