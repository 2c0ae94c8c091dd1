package dev.relay.bench;

import io.netty.buffer.ByteBuf;
import io.netty.util.ByteProcessor;
import java.nio.charset.StandardCharsets;

/**
 * How the generator speaks to one kind of server: the lines that join a room (or subscribe to a subject)
 * and ask for a readiness marker, the bytes of one publish, and a parser for what the server sends.
 * The parser works in place on the inbound buffer and hands each message's payload position to a
 * {@link Sink}, so receiving allocates nothing per message.
 *
 * <p>Immutable and thread-safe.
 */
abstract class Wire {

    /** Receives what {@link #parse} finds. */
    interface Sink {
        /** A chat message (relay) or a subject message (NATS); the payload is {@code in[start, start + length)}. */
        void message(ByteBuf in, int start, int length);

        /** Any other line, without its line ending. */
        void control(String line);
    }

    /** @param payloadSize the size bench payloads have, for a fast path that need not scan them */
    static Wire relayLines(int payloadSize) {
        return new RelayLines(payloadSize);
    }

    static Wire relayLength() {
        return new RelayLength();
    }

    static Wire nats() {
        return new Nats();
    }

    /**
     * Writes what to send right after connecting: join or subscribe to {@code room} (subscribers only;
     * a relay publisher joins too, since a relay client talks to the room it is in), then a request
     * that {@link #isReady} recognises once everything before it has taken effect.
     */
    abstract void writeHandshake(ByteBuf out, String room, boolean subscribe);

    /** Whether this control line is the answer to the handshake's readiness request. */
    abstract boolean isReady(String line);

    /** A reply the server expects to a control line (NATS' keep-alive {@code PING}), or {@code null}. */
    String reply(String line) {
        return null;
    }

    /** Whether a publisher is also a member of its room, hearing the other publishers (the relay: yes). */
    boolean publishersHearEachOther() {
        return true;
    }

    /** Whether a control line reports a problem worth showing (an error or a goodbye). */
    abstract boolean isProblem(String line);

    /** Bytes one publish of a {@code size}-byte payload takes on the wire. */
    abstract int publishSize(String room, int size);

    /** Writes one publish of a payload to {@code room}. */
    abstract void writePublish(ByteBuf out, String room, int size, long stamp, int publisher, long seq);

    /** Consumes every complete frame in {@code in}, leaving a partial one for the next read. */
    abstract void parse(ByteBuf in, Sink sink);

    /** Where the text of a "MSG room nick text" line starting at {@code start} begins, or -1. */
    static int chatPayloadStart(ByteBuf in, int start) {
        int end = in.writerIndex();
        if (end - start <= 8 || in.getInt(start) != ('M' << 24 | 'S' << 16 | 'G' << 8 | ' ')) {
            return -1;
        }
        int room = in.indexOf(start + 4, Math.min(end, start + 80), (byte) ' ');
        int nick = room < 0 ? -1 : in.indexOf(room + 1, Math.min(end, room + 40), (byte) ' ');
        return nick < 0 ? -1 : nick + 1;
    }

    /** A frame body (without line ending or prefix): "MSG room nick payload", or a control line. */
    static void relayFrame(ByteBuf in, int start, int end, Sink sink) {
        if (end - start > 4 && in.getByte(start) == 'M' && in.getByte(start + 1) == 'S'
                && in.getByte(start + 2) == 'G' && in.getByte(start + 3) == ' ') {
            int room = in.indexOf(start + 4, end, (byte) ' ');
            int nick = room < 0 ? -1 : in.indexOf(room + 1, end, (byte) ' ');
            if (nick >= 0) {
                sink.message(in, nick + 1, end - nick - 1);
                return;
            }
        }
        sink.control(in.toString(start, end - start, StandardCharsets.UTF_8));
    }

    /** Our relay's chat protocol (PROTOCOL.md), in either framing. */
    private abstract static class Relay extends Wire {
        @Override
        boolean isReady(String line) {
            return line.equals("PONG ready");
        }

        @Override
        boolean isProblem(String line) {
            return line.startsWith("ERR ") || line.startsWith("BYE ");
        }
    }

    private static final class RelayLines extends Relay {
        private final int payloadSize;

        RelayLines(int payloadSize) {
            this.payloadSize = payloadSize;
        }

        @Override
        void writeHandshake(ByteBuf out, String room, boolean subscribe) {
            // the arrival line: straight into the room, with nothing announced in the lobby
            out.writeCharSequence("/hello rooms=" + room + "\n/ping ready\n", StandardCharsets.UTF_8);
        }

        @Override
        int publishSize(String room, int size) {
            return size + 1;
        }

        @Override
        void writePublish(ByteBuf out, String room, int size, long stamp, int publisher, long seq) {
            Payload.write(out, size, stamp, publisher, seq);
            out.writeByte('\n');
        }

        @Override
        void parse(ByteBuf in, Sink sink) {
            while (true) {
                int start = in.readerIndex();
                int payload = chatPayloadStart(in, start);
                if (payload > 0 && payload + payloadSize < in.writerIndex() && in.getByte(payload + payloadSize) == '\n') {
                    in.readerIndex(payload + payloadSize + 1); // a bench message: no need to scan its payload
                    sink.message(in, payload, payloadSize);
                    continue;
                }
                int lf = in.forEachByte(start, in.readableBytes(), ByteProcessor.FIND_LF);
                if (lf < 0) {
                    return;
                }
                int end = lf > start && in.getByte(lf - 1) == '\r' ? lf - 1 : lf;
                in.readerIndex(lf + 1);
                relayFrame(in, start, end, sink);
            }
        }
    }

    private static final class RelayLength extends Relay {
        @Override
        void writeHandshake(ByteBuf out, String room, boolean subscribe) {
            for (String line : new String[] {"/hello rooms=" + room, "/ping ready"}) {
                byte[] bytes = line.getBytes(StandardCharsets.UTF_8);
                out.writeInt(bytes.length).writeBytes(bytes);
            }
        }

        @Override
        int publishSize(String room, int size) {
            return size + 4;
        }

        @Override
        void writePublish(ByteBuf out, String room, int size, long stamp, int publisher, long seq) {
            out.writeInt(size);
            Payload.write(out, size, stamp, publisher, seq);
        }

        @Override
        void parse(ByteBuf in, Sink sink) {
            while (in.readableBytes() >= 4) {
                int start = in.readerIndex();
                long length = in.getUnsignedInt(start);
                if (in.readableBytes() - 4 < length) {
                    return;
                }
                in.readerIndex(start + 4 + (int) length);
                relayFrame(in, start + 4, start + 4 + (int) length, sink);
            }
        }
    }

    private static final class Nats extends Wire {
        @Override
        void writeHandshake(ByteBuf out, String room, boolean subscribe) {
            String connect = "CONNECT {\"verbose\":false,\"pedantic\":false,\"name\":\"relay-bench\"}\r\n";
            out.writeCharSequence(connect + (subscribe ? "SUB " + room + " 1\r\n" : "") + "PING\r\n",
                    StandardCharsets.US_ASCII);
        }

        @Override
        boolean isReady(String line) {
            return line.equals("PONG");
        }

        @Override
        String reply(String line) {
            return line.equals("PING") ? "PONG\r\n" : null;
        }

        @Override
        boolean isProblem(String line) {
            return line.startsWith("-ERR");
        }

        @Override
        boolean publishersHearEachOther() {
            return false; // a NATS publisher does not subscribe
        }

        @Override
        int publishSize(String room, int size) {
            return 4 + room.length() + 1 + Integer.toString(size).length() + 2 + size + 2;
        }

        @Override
        void writePublish(ByteBuf out, String room, int size, long stamp, int publisher, long seq) {
            out.writeCharSequence("PUB ", StandardCharsets.US_ASCII);
            out.writeCharSequence(room, StandardCharsets.US_ASCII);
            out.writeByte(' ');
            out.writeCharSequence(Integer.toString(size), StandardCharsets.US_ASCII);
            out.writeShort(('\r' << 8) | '\n');
            Payload.write(out, size, stamp, publisher, seq);
            out.writeShort(('\r' << 8) | '\n');
        }

        @Override
        void parse(ByteBuf in, Sink sink) {
            while (true) {
                int start = in.readerIndex();
                int lf = in.forEachByte(start, in.readableBytes(), ByteProcessor.FIND_LF);
                if (lf < 0) {
                    return;
                }
                int end = lf > start && in.getByte(lf - 1) == '\r' ? lf - 1 : lf;
                if (end - start > 4 && in.getByte(start) == 'M' && in.getByte(start + 1) == 'S'
                        && in.getByte(start + 2) == 'G' && in.getByte(start + 3) == ' ') {
                    // MSG <subject> <sid> [reply-to] <#bytes>: the size is the last token.
                    int size = 0;
                    int i = end - 1;
                    for (int place = 1; i > start && in.getByte(i) != ' '; i--, place *= 10) {
                        size += (in.getByte(i) - '0') * place;
                    }
                    if (in.writerIndex() < lf + 1 + size + 2) {
                        return; // the payload has not fully arrived
                    }
                    in.readerIndex(lf + 1 + size + 2);
                    sink.message(in, lf + 1, size);
                } else {
                    in.readerIndex(lf + 1);
                    sink.control(in.toString(start, end - start, StandardCharsets.UTF_8));
                }
            }
        }
    }
}
