package dev.longplay.models.clap;

import dev.longplay.models.golden.GoldenDirs;
import dev.longplay.models.metrics.PromptAudioScorer;
import dev.longplay.models.weights.CheckpointException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The scorer's plumbing around the golden-tested branches: downmix, resampling, long clips, names, bad input. */
class ClapModelTest {

    private static final Path CLAP = GoldenDirs.projectDir().resolve("models/src/test/resources/golden/clap_audio_score/clap");

    @Test
    void stereoIsDownmixedAndOtherRatesAreResampled() {
        float[] mono = noise(48000, 1);
        try (PromptAudioScorer clap = ClapModel.load(CLAP)) {
            assertTrue(clap.name().startsWith("clap:"), clap.name());
            double s = clap.score("warm pad", new float[][]{mono}, 48000);
            assertTrue(s >= -1 && s <= 1, "a cosine similarity, got " + s);
            assertEquals(s, clap.score("warm pad", new float[][]{mono, mono}, 48000), 1e-6,
                    "two equal channels score as the mono clip");
            double at44 = clap.score("warm pad", new float[][]{noise(44100, 1)}, 44100);
            assertTrue(Double.isFinite(at44) && at44 >= -1 && at44 <= 1);
            // 2.5 s at the tiny front end's 1 s window: three windows, still one score in range
            double longer = clap.score("warm pad", new float[][]{noise(120000, 2)}, 48000);
            assertTrue(longer >= -1 && longer <= 1);
            assertNotEquals(s, clap.score("dark techno kick", new float[][]{mono}, 48000), "the prompt matters");
            assertThrows(IllegalArgumentException.class, () -> clap.score("x", new float[0][], 48000));
        }
    }

    @Test
    void folderWithoutFrontEndSettingsIsNamed(@TempDir Path dir) throws IOException {
        for (String f : new String[]{"config.json", "model.safetensors", "tokenizer.json"}) {
            Files.copy(CLAP.resolve(f), dir.resolve(f));
        }
        CheckpointException e = assertThrows(CheckpointException.class, () -> ClapModel.load(dir));
        assertTrue(e.getMessage().contains("preprocessor_config.json"), e.getMessage());
    }

    private static float[] noise(int n, long seed) {
        Random r = new Random(seed);
        float[] x = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = (float) (0.3 * r.nextGaussian());
        }
        return x;
    }
}
