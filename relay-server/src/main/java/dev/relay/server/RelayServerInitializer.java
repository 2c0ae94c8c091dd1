package dev.relay.server;

import dev.relay.core.chat.ChatHandler;
import dev.relay.core.codec.FrameCodec;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.socket.SocketChannel;
import java.util.function.Consumer;

/** Assembles each accepted connection's pipeline, in the order {@link RelayPipeline} lists. */
final class RelayServerInitializer extends ChannelInitializer<SocketChannel> {

    private final ChannelGroup allChannels;
    private final FrameCodec codec;
    private final ChatHandler chat;
    private final Consumer<ChannelPipeline> customizer;

    RelayServerInitializer(ChannelGroup allChannels, FrameCodec codec, ChatHandler chat,
            Consumer<ChannelPipeline> customizer) {
        this.allChannels = allChannels;
        this.codec = codec;
        this.chat = chat;
        this.customizer = customizer;
    }

    @Override
    protected void initChannel(SocketChannel ch) {
        allChannels.add(ch);
        codec.addTo(ch.pipeline(), RelayPipeline.FRAME_DECODER, RelayPipeline.FRAME_ENCODER);
        ch.pipeline().addLast(RelayPipeline.CHAT, chat);
        customizer.accept(ch.pipeline());
    }
}
