package dev.relay.core;

import dev.relay.core.codec.FrameCodec;
import dev.relay.core.codec.Framing;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.util.concurrent.ImmediateEventExecutor;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * A named set of channels that hear each other. Members live in a {@link ChannelGroup}, which drops a
 * channel as soon as it closes. Rooms are made and removed by a {@link RoomRegistry}.
 *
 * <p>A broadcast encodes the message once per framing in use among the members (one pooled direct
 * buffer each; in practice one) and writes a retained duplicate of those exact bytes to every member
 * but the sender. Writes to one member from one thread keep their order, so each receiver sees a
 * sender's messages in the order that sender's event loop handled them. A member too far behind is
 * handled by the registry's {@link SlowConsumerGuard}.
 *
 * <p>Thread-safety: all methods may be called from any thread.
 */
public final class Room {

    private static final int FRAMINGS = Framing.values().length;

    private final String name;
    private final ChannelGroup members;
    private final SlowConsumerGuard guard;

    Room(String name, SlowConsumerGuard guard) {
        this.name = name;
        this.guard = guard;
        // The executor only serves group futures, which the fan-out never asks for.
        this.members = new DefaultChannelGroup(name, ImmediateEventExecutor.INSTANCE);
    }

    /** The room's name, as it was given to {@link RoomRegistry#join}. */
    public String name() {
        return name;
    }

    /** The number of open member channels right now. */
    public int size() {
        return members.size();
    }

    public boolean isEmpty() {
        return members.isEmpty();
    }

    public boolean contains(Channel channel) {
        return members.contains(channel);
    }

    /** A snapshot of the member channels. */
    public List<Channel> members() {
        return new ArrayList<>(members);
    }

    boolean add(Channel channel) {
        return members.add(channel);
    }

    boolean remove(Channel channel) {
        return members.remove(channel);
    }

    /**
     * Sends one text frame to every member except {@code except} (the sender, or {@code null} for all).
     * Members without a {@link FrameCodec} are skipped: they have no framing to write in.
     */
    public void broadcast(@Nullable Channel except, CharSequence text) {
        fanOut(except, text, null);
    }

    /**
     * Sends {@code payload} verbatim as one frame to every member except {@code except}: the raw relay.
     * Takes ownership of {@code payload} and releases it, even if the room is empty.
     */
    public void broadcast(@Nullable Channel except, ByteBuf payload) {
        try {
            fanOut(except, null, payload);
        } finally {
            payload.release();
        }
    }

    private void fanOut(@Nullable Channel except, @Nullable CharSequence text, @Nullable ByteBuf payload) {
        ByteBuf[] encoded = new ByteBuf[FRAMINGS];
        try {
            for (Channel member : members) {
                if (member == except || !guard.admit(member)) {
                    continue;
                }
                FrameCodec codec = FrameCodec.of(member);
                if (codec == null) {
                    continue;
                }
                int slot = codec.framing().ordinal();
                ByteBuf frame = encoded[slot];
                if (frame == null) {
                    frame = text != null
                            ? codec.framing().encode(member.alloc(), text)
                            : codec.framing().encode(member.alloc(), payload);
                    encoded[slot] = frame;
                }
                // A failed write (member just closed) fires exceptionCaught on that member only.
                member.writeAndFlush(frame.retainedDuplicate(), member.voidPromise());
            }
        } finally {
            for (ByteBuf frame : encoded) {
                if (frame != null) {
                    frame.release();
                }
            }
        }
    }

    @Override
    public String toString() {
        return "Room(" + name + ", " + members.size() + " members)";
    }
}
