package dev.longplay.models.conditioning;

import dev.longplay.models.weights.CheckpointException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** T5Tokenizer on a hand-written WordLevel tokenizer.json: <pad>=0, </s>=1, <unk>=2, then a small vocabulary. */
class T5TokenizerTest {

    private static Path tokenizerJson() throws URISyntaxException {
        return Path.of(T5TokenizerTest.class.getResource("/t5/tokenizer.json").toURI());
    }

    @Test
    void lowercasesSplitsAppendsEosAndPads() throws Exception {
        try (T5Tokenizer t = T5Tokenizer.load(tokenizerJson(), 8)) {
            T5Tokenizer.Batch b = t.encode(List.of("Calm PIANO, 120 bpm", "soft xylophone"));
            assertArrayEquals(new long[]{4, 5, 10, 11, 12, 1, 0, 0}, b.ids()[0]);
            assertArrayEquals(new long[]{1, 1, 1, 1, 1, 1, 0, 0}, b.mask()[0]);
            // unknown word -> <unk>, then </s>, then padding
            assertArrayEquals(new long[]{8, 2, 1, 0, 0, 0, 0, 0}, b.ids()[1]);
            assertArrayEquals(new long[]{1, 1, 1, 0, 0, 0, 0, 0}, b.mask()[1]);
        }
    }

    @Test
    void truncatesToMaxLengthKeepingEos() throws Exception {
        try (T5Tokenizer t = T5Tokenizer.load(tokenizerJson(), 5)) {
            T5Tokenizer.Batch b = t.encode(List.of("a calm piano melody with soft drums", ""));
            assertArrayEquals(new long[]{3, 4, 5, 6, 1}, b.ids()[0]);
            assertArrayEquals(new long[]{1, 1, 1, 1, 1}, b.mask()[0]);
            // the empty prompt is </s> alone
            assertArrayEquals(new long[]{1, 0, 0, 0, 0}, b.ids()[1]);
            assertArrayEquals(new long[]{1, 0, 0, 0, 0}, b.mask()[1]);
            assertEquals(5, t.maxLength());
        }
    }

    @Test
    void missingFileIsACheckpointError(@TempDir Path tmp) {
        assertThrows(CheckpointException.class, () -> T5Tokenizer.load(tmp.resolve("tokenizer.json"), 8));
    }
}
