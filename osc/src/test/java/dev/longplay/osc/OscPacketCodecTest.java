package dev.longplay.osc;

import com.illposed.osc.OSCBundle;
import com.illposed.osc.OSCMessage;
import com.illposed.osc.OSCPacket;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

class OscPacketCodecTest {
    private final OscPacketCodec codec = new OscPacketCodec(4096);

    @Test
    void messagesAndBundlesRoundTrip() {
        byte[] bytes = codec.encode("/gen/text", List.of(7, "warm pad", 8.5f, "seed", 42));
        OSCMessage m = (OSCMessage) ((OscPacketCodec.Packet) codec.decode(bytes)).packet();
        assertEquals("/gen/text", m.getAddress());
        assertEquals(List.of(7, "warm pad", 8.5f, "seed", 42), m.getArguments());

        Instant t = Instant.parse("2030-01-01T00:00:00Z");
        OSCBundle b = new OSCBundle(List.of(new OSCMessage("/sync", List.of(1))), OscTimeTags.toJavaOsc(t));
        OSCBundle back = (OSCBundle) ((OscPacketCodec.Packet) codec.decode(codec.encode(b))).packet();
        assertEquals(t, OscTimeTags.toInstant(back.getTimestamp().getNtpTime()));
        assertEquals("/sync", ((OSCMessage) back.getPackets().get(0)).getAddress());
    }

    @Test
    void malformedInputIsAResultNeverAnException() {
        byte[] valid = codec.encode("/gen/text", List.of(7, "warm pad", 8.5f));
        assertInstanceOf(OscPacketCodec.Malformed.class, codec.decode(new byte[] {1, 2, 3, 4, 5}));
        assertInstanceOf(OscPacketCodec.Malformed.class, codec.decode(new byte[0]));
        for (int cut = 4; cut < valid.length; cut += 4) {
            OscPacketCodec.Decoded d = codec.decode(Arrays.copyOf(valid, cut));
            assertTrue(d instanceof OscPacketCodec.Malformed
                    || ((OscPacketCodec.Packet) d).packet() instanceof OSCMessage, "cut at " + cut);
        }
        // Unknown type tag 'Z'; an unclosed array '['; a blob claiming 2 GB.
        assertInstanceOf(OscPacketCodec.Malformed.class, codec.decode(bytes("/a\0\0,Z\0\0\0\0\0\1")));
        assertInstanceOf(OscPacketCodec.Malformed.class, codec.decode(bytes("/a\0\0,[i\0\0\0\0\1")));
        assertInstanceOf(OscPacketCodec.Malformed.class, codec.decode(bytes("/a\0\0,b\0\0\u007f\u00ff\u00ff\u00ff")));
        assertInstanceOf(OscPacketCodec.Malformed.class, codec.decode(bytes("xyz\0,i\0\0\0\0\0\1")));
    }

    @Test
    void unknownTypeTagsAreCaughtBeforeJavaOscLogsThem() {
        // A stray ']', a nested '[', and an unknown tag inside a bundle whose 8th byte is not NUL (JavaOSC
        // still takes it for a bundle).
        assertInstanceOf(OscPacketCodec.Malformed.class, codec.decode(bytes("/a\0\0,]\0\0")));
        assertInstanceOf(OscPacketCodec.Malformed.class, codec.decode(bytes("/a\0\0,[[i]]\0\0\0\0\0\0\1")));
        byte[] inner = bytes("/a\0\0,y\0\0");
        byte[] bundle = java.nio.ByteBuffer.allocate(16 + 4 + inner.length).put(bytes("#bundle\u0080"))
                .putLong(1).putInt(inner.length).put(inner).array();
        assertInstanceOf(OscPacketCodec.Malformed.class, codec.decode(bundle));
        assertInstanceOf(OscPacketCodec.Packet.class, codec.decode(bytes("/a\0\0,[i]\0\0\0\0\0\0\0\1")));
    }

    @Test
    void deeplyNestedBundlesAreRefused() {
        OSCPacket p = new OSCMessage("/sync", List.of(1));
        for (int i = 0; i < OscPacketCodec.MAX_BUNDLE_DEPTH + 1; i++) {
            p = new OSCBundle(List.of(p), OscTimeTags.immediateJavaOsc());
        }
        assertInstanceOf(OscPacketCodec.Malformed.class, codec.decode(codec.encode(p)));
    }

    private static byte[] bytes(String s) {
        byte[] b = new byte[s.length()];
        for (int i = 0; i < b.length; i++) {
            b[i] = (byte) s.charAt(i);
        }
        return b;
    }
}
