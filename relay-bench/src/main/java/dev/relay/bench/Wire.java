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

    /**
     * @param payloadSize the size bench payloads have, for a fast path that need not scan them
     * @param guest       arrive as a guest and then {@code /join} the room, instead of with the arrival line
     */
    static Wire relayLines(int payloadSize, boolean guest) {
        return new RelayLines(payloadSize, guest);
    }

    /** @param guest arrive as a guest and then {@code /join} the room, instead of with the arrival line */
    static Wire relayLength(boolean guest) {
        return new RelayLength(guest);
    }

    static Wire nats() {
        return new Nats();
    }

    static Wire redis() {
        return new Redis();
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
        private final boolean guest;

        Relay(boolean guest) {
            this.guest = guest;
        }

        /**
         * The arrival line: straight into the room, with nothing announced in the lobby; or, as a guest,
         * any first line (the join) ends the arrival window at once and starts a guest session.
         */
        String[] handshake(String room) {
            return new String[] {guest ? "/join " + room : "/hello rooms=" + room, "/ping ready"};
        }

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

        RelayLines(int payloadSize, boolean guest) {
            super(guest);
            this.payloadSize = payloadSize;
        }

        @Override
        void writeHandshake(ByteBuf out, String room, boolean subscribe) {
            for (String line : handshake(room)) {
                out.writeCharSequence(line + "\n", StandardCharsets.UTF_8);
            }
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
        RelayLength(boolean guest) {
            super(guest);
        }

        @Override
        void writeHandshake(ByteBuf out, String room, boolean subscribe) {
            for (String line : handshake(room)) {
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
            sizedPayload(out, size, stamp, publisher, seq);
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

    /**
     * redis-server's pub/sub in RESP2: a subscriber sends {@code SUBSCRIBE room} and gets
     * {@code message} pushes; a publisher sends {@code PUBLISH room payload} and gets an integer reply
     * (the receiver count) to each, which is skipped without making a string. Readiness is a
     * {@code PING}: {@code +PONG} on a plain connection, a {@code pong} push once subscribed, either way
     * after everything sent before it has taken effect.
     */
    private static final class Redis extends Wire {
        private static final byte[] MESSAGE = "message".getBytes(StandardCharsets.US_ASCII);

        @Override
        void writeHandshake(ByteBuf out, String room, boolean subscribe) {
            if (subscribe) {
                bulkArray(out, "SUBSCRIBE", room);
            }
            bulkArray(out, "PING");
        }

        private static void bulkArray(ByteBuf out, String... words) {
            out.writeCharSequence("*" + words.length + "\r\n", StandardCharsets.US_ASCII);
            for (String word : words) {
                byte[] bytes = word.getBytes(StandardCharsets.UTF_8);
                out.writeCharSequence("$" + bytes.length + "\r\n", StandardCharsets.US_ASCII);
                out.writeBytes(bytes).writeShort(('\r' << 8) | '\n');
            }
        }

        @Override
        boolean isReady(String line) {
            return line.equals("PONG") || line.equals("pong ");
        }

        @Override
        boolean isProblem(String line) {
            return line.startsWith("-");
        }

        @Override
        boolean publishersHearEachOther() {
            return false; // a Redis publisher does not subscribe (a subscribed connection cannot PUBLISH)
        }

        @Override
        int publishSize(String room, int size) {
            return 17 + 1 + digits(room.length()) + 2 + room.length() + 2 + 1 + digits(size) + 2 + size + 2;
        }

        private static int digits(int n) {
            return Integer.toString(n).length();
        }

        @Override
        void writePublish(ByteBuf out, String room, int size, long stamp, int publisher, long seq) {
            out.writeCharSequence("*3\r\n$7\r\nPUBLISH\r\n$", StandardCharsets.US_ASCII);
            out.writeCharSequence(Integer.toString(room.length()), StandardCharsets.US_ASCII);
            out.writeShort(('\r' << 8) | '\n');
            out.writeCharSequence(room, StandardCharsets.US_ASCII);
            out.writeCharSequence("\r\n$", StandardCharsets.US_ASCII);
            sizedPayload(out, size, stamp, publisher, seq);
        }

        @Override
        void parse(ByteBuf in, Sink sink) {
            while (in.isReadable()) {
                int start = in.readerIndex();
                int next = start;
                byte type = in.getByte(start);
                if (type == '*') {
                    next = array(in, start, sink);
                } else {
                    int lf = in.forEachByte(start, in.readableBytes(), ByteProcessor.FIND_LF);
                    if (lf >= 0) {
                        next = lf + 1;
                        if (type != ':') { // an integer is a PUBLISH reply: nothing to see
                            sink.control(in.toString(start + (type == '+' ? 1 : 0),
                                    lf - 1 - start - (type == '+' ? 1 : 0), StandardCharsets.UTF_8));
                        }
                    }
                }
                if (next == start) {
                    return; // incomplete: wait for more
                }
                in.readerIndex(next);
            }
        }

        /**
         * One array reply of bulk strings and integers at {@code start}: a {@code message} push becomes
         * a message, anything else a control line of its elements joined by spaces.
         *
         * @return where the next reply starts, or {@code start} if this one is incomplete
         */
        private static int array(ByteBuf in, int start, Sink sink) {
            int end = in.writerIndex();
            long count = number(in, start + 1, end);
            if (count < 0) {
                return start;
            }
            int at = lineEnd(in, start + 1, end);
            if (at < 0) {
                return start;
            }
            int payloadStart = 0;
            int payloadLength = 0;
            boolean message = false;
            StringBuilder control = null;
            for (long i = 0; i < count; i++) {
                if (at >= end) {
                    return start;
                }
                byte type = in.getByte(at);
                int lineEnd = lineEnd(in, at + 1, end);
                if (lineEnd < 0) {
                    return start;
                }
                int dataStart = lineEnd;
                int dataLength;
                if (type == '$') {
                    dataLength = (int) number(in, at + 1, end);
                    if (dataLength < 0 || dataStart + dataLength + 2 > end) {
                        return start;
                    }
                    at = dataStart + dataLength + 2;
                } else { // ':' and '+': the number or text is on the line itself
                    dataStart = at + 1;
                    dataLength = lineEnd - 2 - dataStart;
                    at = lineEnd;
                }
                if (i == 0) {
                    message = count == 3 && type == '$' && equals(in, dataStart, dataLength, MESSAGE);
                }
                if (message) {
                    payloadStart = dataStart;
                    payloadLength = dataLength;
                } else {
                    if (control == null) {
                        control = new StringBuilder();
                    } else {
                        control.append(' ');
                    }
                    control.append(in.toString(dataStart, dataLength, StandardCharsets.UTF_8));
                }
            }
            if (message) {
                sink.message(in, payloadStart, payloadLength); // the last element: the payload
            } else {
                sink.control(control == null ? "" : control.toString());
            }
            return at;
        }

        /** The decimal number from {@code from} up to the next CR, or -1 if the line is incomplete. */
        private static long number(ByteBuf in, int from, int end) {
            long value = 0;
            boolean negative = false;
            for (int i = from; i < end; i++) {
                byte b = in.getByte(i);
                if (b == '\r') {
                    return negative ? -value : value;
                } else if (b == '-') {
                    negative = true;
                } else {
                    value = value * 10 + (b - '0');
                }
            }
            return -1;
        }

        /** Just past the CRLF of the line starting at or before {@code from}, or -1 if it is incomplete. */
        private static int lineEnd(ByteBuf in, int from, int end) {
            int lf = in.indexOf(from, end, (byte) '\n');
            return lf < 0 ? -1 : lf + 1;
        }

        private static boolean equals(ByteBuf in, int start, int length, byte[] word) {
            if (length != word.length) {
                return false;
            }
            for (int i = 0; i < length; i++) {
                if (in.getByte(start + i) != word[i]) {
                    return false;
                }
            }
            return true;
        }
    }

    /** {@code SIZE\r\nPAYLOAD\r\n}: how NATS (after {@code PUB subject }) and RESP (after {@code $}) carry a payload. */
    private static void sizedPayload(ByteBuf out, int size, long stamp, int publisher, long seq) {
        out.writeCharSequence(Integer.toString(size), StandardCharsets.US_ASCII);
        out.writeShort(('\r' << 8) | '\n');
        Payload.write(out, size, stamp, publisher, seq);
        out.writeShort(('\r' << 8) | '\n');
    }

}
