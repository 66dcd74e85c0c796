package dev.longplay.osc;

import com.illposed.osc.BufferBytesReceiver;
import com.illposed.osc.OSCBundle;
import com.illposed.osc.OSCMessage;
import com.illposed.osc.OSCPacket;
import com.illposed.osc.OSCParser;
import com.illposed.osc.OSCSerializeException;
import com.illposed.osc.OSCSerializer;
import com.illposed.osc.OSCSerializerAndParserBuilder;

import java.nio.ByteBuffer;
import java.util.List;

/**
 * Bytes to OSC packets with JavaOSC's parser, and back. {@link #decode} never throws: JavaOSC fails on
 * malformed input with whatever exception its buffer code hits (and returns null for unknown type tags),
 * so every failure becomes a {@link Malformed} result the caller can count and drop.
 * Thread-safe: JavaOSC's parser and serializer keep state, so calls are serialised.
 *
 * <p>JavaOSC logs a warning for each packet with an unknown type tag: set the {@code com.illposed.osc}
 * logger to ERROR in a server, or a flood of such packets becomes a flood of log lines.
 */
public final class OscPacketCodec {
    /** Bundles nested deeper than this are refused (JavaOSC parses them recursively). */
    public static final int MAX_BUNDLE_DEPTH = 8;

    private final OSCParser parser;
    private final OSCSerializer serializer;
    private final ByteBuffer out;

    /** @param maxPacketBytes the largest packet {@link #encode} can produce */
    public OscPacketCodec(int maxPacketBytes) {
        OSCSerializerAndParserBuilder builder = new OSCSerializerAndParserBuilder();
        this.parser = builder.buildParser();
        this.out = ByteBuffer.allocate(maxPacketBytes);
        this.serializer = builder.buildSerializer(new BufferBytesReceiver(out));
    }

    /** The outcome of decoding one packet. */
    public sealed interface Decoded permits Packet, Malformed {
    }

    public record Packet(OSCPacket packet) implements Decoded {
    }

    public record Malformed(String reason) implements Decoded {
    }

    public synchronized Decoded decode(ByteBuffer bytes) {
        if (bytes.remaining() == 0 || bytes.remaining() % 4 != 0) {
            return new Malformed("size " + bytes.remaining() + " is not a positive multiple of 4");
        }
        try {
            OSCPacket packet = parser.convert(bytes);
            String problem = problem(packet, 0);
            return problem == null ? new Packet(packet) : new Malformed(problem);
        } catch (Exception | StackOverflowError e) {
            return new Malformed(e.getClass().getSimpleName() + ": " + e.getMessage());
        }
    }

    public Decoded decode(byte[] bytes) {
        return decode(ByteBuffer.wrap(bytes));
    }

    /** Null when usable; why not otherwise (unknown type tags leave nulls behind, addresses may be junk). */
    private static String problem(OSCPacket packet, int depth) {
        if (packet == null) {
            return "unknown argument type tag";
        }
        if (packet instanceof OSCMessage m) {
            return m.getAddress().startsWith("/") ? null : "address does not start with '/'";
        }
        if (depth >= MAX_BUNDLE_DEPTH) {
            return "bundles nested deeper than " + MAX_BUNDLE_DEPTH;
        }
        for (OSCPacket p : ((OSCBundle) packet).getPackets()) {
            String problem = problem(p, depth + 1);
            if (problem != null) {
                return problem;
            }
        }
        return null;
    }

    /** @throws IllegalArgumentException when the packet cannot be written (unsupported type, too big) */
    public synchronized byte[] encode(OSCPacket packet) {
        out.clear();
        try {
            serializer.write(packet);
        } catch (OSCSerializeException | java.nio.BufferOverflowException e) {
            throw new IllegalArgumentException("cannot encode OSC packet: " + e.getMessage(), e);
        }
        out.flip();
        byte[] bytes = new byte[out.remaining()];
        out.get(bytes);
        return bytes;
    }

    public byte[] encode(String address, List<?> args) {
        return encode(new OSCMessage(address, args));
    }
}
