package dev.relay.core.chat;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelInitializer;

/** Test pipelines: the chat protocol as the relay installs it once a connection's framing is known. */
final class ChatTesting {

    private ChatTesting() {
    }

    /**
     * The line decoder and {@code chat}, with {@link TransportReady} fired as the channel becomes active
     * (as on a fixed-framing port): put it last, after the framing and any gate or valve the test needs.
     */
    static ChannelHandler protocol(ChatHandler chat) {
        return new ChannelInitializer<Channel>() {
            @Override
            protected void initChannel(Channel channel) {
                channel.pipeline().addLast(ChatPipeline.LINE_DECODER, ChatLineDecoder.INSTANCE);
                channel.pipeline().addLast(ChatPipeline.CHAT, chat);
                channel.pipeline().addLast(ChatPipeline.readyOnActive());
            }
        };
    }
}
