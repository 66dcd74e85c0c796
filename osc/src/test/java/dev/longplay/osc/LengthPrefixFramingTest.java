package dev.longplay.osc;

import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

class LengthPrefixFramingTest {
    @Test
    void decodesSplitFramesAndSkipsOversizedOnesByTheirSize() {
        List<byte[]> frames = new ArrayList<>();
        LengthPrefixFraming.Decoder d = new LengthPrefixFraming.Decoder(8, frames::add, () -> { });
        byte[] stream = ByteBuffer.allocate(64)
                .put(LengthPrefixFraming.encode(new byte[] {1, 2, 3, 4}))
                .putInt(12).put(new byte[12])                 // over the maximum: skipped
                .putInt(-5)                                   // nonsense size: dropped
                .put(LengthPrefixFraming.encode(new byte[] {5, 6, 7, 8, 9, 10, 11, 12}))
                .flip().array();
        int len = 4 + 4 + 4 + 12 + 4 + 4 + 8;
        for (int i = 0; i < len; i++) {
            d.feed(stream, i, 1);
        }
        assertEquals(2, frames.size());
        assertArrayEquals(new byte[] {1, 2, 3, 4}, frames.get(0));
        assertArrayEquals(new byte[] {5, 6, 7, 8, 9, 10, 11, 12}, frames.get(1));
        assertEquals(2, d.dropped());
    }

    @Test
    void theFirstByteChoosesTheFraming() {
        assertEquals(TcpFraming.SLIP, TcpFraming.detect(0xC0));
        assertEquals(TcpFraming.LENGTH_PREFIX, TcpFraming.detect(0));
    }
}
