package dev.longplay.osc;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

class SlipFramingTest {
    private final List<byte[]> frames = new ArrayList<>();
    private int drops;

    private SlipFraming.Decoder decoder(int max) {
        return new SlipFraming.Decoder(max, frames::add, () -> drops++);
    }

    private static byte[] bytes(int... v) {
        byte[] b = new byte[v.length];
        for (int i = 0; i < v.length; i++) {
            b[i] = (byte) v[i];
        }
        return b;
    }

    @Test
    void encodesWithDoubleEndAndEscapes() {
        assertArrayEquals(bytes(0xC0, 0x01, 0xDB, 0xDC, 0xDB, 0xDD, 0x02, 0xC0),
                SlipFraming.encode(bytes(0x01, 0xC0, 0xDB, 0x02)));
        assertArrayEquals(bytes(0xC0, 0xC0), SlipFraming.encode(new byte[0]));
    }

    @Test
    void decodesAStreamSplitAtEveryByte() {
        byte[] a = bytes(0xC0, 0xDB, 1, 2);
        byte[] b = bytes(3, 0xDC, 0xDD);
        byte[] stream = concat(SlipFraming.encode(a), SlipFraming.encode(b));
        SlipFraming.Decoder d = decoder(64);
        for (byte x : stream) {
            d.feed(new byte[] {x}, 0, 1);
        }
        assertEquals(2, frames.size());
        assertArrayEquals(a, frames.get(0));
        assertArrayEquals(b, frames.get(1));
        assertEquals(0, d.dropped());
    }

    @Test
    void skipsEmptyFramesAndAcceptsSingleEndFraming() {
        byte[] stream = bytes(0xC0, 0xC0, 0xC0, 7, 0xC0, 8, 0xC0);
        decoder(64).feed(stream, 0, stream.length);
        assertEquals(2, frames.size());
        assertArrayEquals(bytes(7), frames.get(0));
        assertArrayEquals(bytes(8), frames.get(1));
    }

    @Test
    void badEscapeDropsOnlyThatFrame() {
        byte[] stream = bytes(0xC0, 1, 0xDB, 0x55, 2, 0xC0, 3, 0xDB, 0xC0, 0xC0, 4, 0xC0);
        SlipFraming.Decoder d = decoder(64);
        d.feed(stream, 0, stream.length);
        assertEquals(1, frames.size());
        assertArrayEquals(bytes(4), frames.get(0));
        assertEquals(2, d.dropped());
        assertEquals(2, drops);
    }

    @Test
    void oversizedFrameIsDroppedUntilTheNextEnd() {
        byte[] big = new byte[100];
        byte[] stream = concat(SlipFraming.encode(big), SlipFraming.encode(bytes(9, 9, 9)));
        SlipFraming.Decoder d = decoder(16);
        d.feed(stream, 0, stream.length);
        assertEquals(1, frames.size());
        assertArrayEquals(bytes(9, 9, 9), frames.get(0));
        assertEquals(1, d.dropped());
        // Exactly the maximum still fits.
        frames.clear();
        byte[] exact = SlipFraming.encode(new byte[16]);
        d.feed(exact, 0, exact.length);
        assertEquals(16, frames.get(0).length);
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = new byte[a.length + b.length];
        System.arraycopy(a, 0, out, 0, a.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
