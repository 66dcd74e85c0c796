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
 * <p>Type tags are checked before JavaOSC sees a packet: it logs a warning for every unknown one, which would
 * turn a flood of bad packets into a flood of log lines.
 */
public final class OscPacketCodec {
    /** Bundles nested deeper than this are refused (JavaOSC parses them recursively). */
    public static final int MAX_BUNDLE_DEPTH = 8;

    /** JavaOSC takes any packet starting with these 7 bytes for a bundle, whatever the 8th. */
    private static final byte[] BUNDLE = OSCParser.BUNDLE_START.getBytes(java.nio.charset.StandardCharsets.US_ASCII);

    private final OSCParser parser;
    private final java.util.Set<Character> knownTags;
    private final OSCSerializer serializer;
    private final ByteBuffer out;

    /** @param maxPacketBytes the largest packet {@link #encode} can produce */
    public OscPacketCodec(int maxPacketBytes) {
        OSCSerializerAndParserBuilder builder = new OSCSerializerAndParserBuilder();
        this.parser = builder.buildParser();
        this.knownTags = java.util.Set.copyOf(parser.getIdentifierToTypeMapping().keySet());
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
            if (!knownTypeTags(bytes.slice(), 0)) {
                return new Malformed("unknown argument type tag");
            }
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

    /**
     * False when a message (or one inside a bundle) declares a type tag JavaOSC has no handler for. Other
     * defects are left to the parser, which reports them as exceptions.
     */
    private boolean knownTypeTags(ByteBuffer b, int depth) {
        if (depth > MAX_BUNDLE_DEPTH) {
            return true; // refused by problem() after parsing
        }
        if (b.limit() >= 16 && startsWith(b, BUNDLE)) {
            int p = 16;
            while (p + 4 <= b.limit()) {
                int size = b.getInt(p);
                if (size <= 0 || size > b.limit() - p - 4) {
                    return true;
                }
                if (!knownTypeTags(b.duplicate().position(p + 4).limit(p + 4 + size).slice(), depth + 1)) {
                    return false;
                }
                p += 4 + size;
            }
            return true;
        }
        int p = 0;
        while (p < b.limit() && b.get(p) != 0) {
            p++;
        }
        p = (p + 4) & ~3; // past the address's terminator and padding
        if (p >= b.limit() || b.get(p) != ',') {
            return true;
        }
        boolean inArray = false; // JavaOSC reads one level of [...] and takes a stray ']' for a type
        for (p++; p < b.limit() && b.get(p) != 0; p++) {
            char tag = (char) (b.get(p) & 0xFF);
            if (tag == '[' || tag == ']') {
                if (inArray == (tag == '[')) {
                    return false;
                }
                inArray = !inArray;
            } else if (!knownTags.contains(tag)) {
                return false;
            }
        }
        return true;
    }

    private static boolean startsWith(ByteBuffer b, byte[] prefix) {
        for (int i = 0; i < prefix.length; i++) {
            if (b.get(i) != prefix[i]) {
                return false;
            }
        }
        return true;
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
