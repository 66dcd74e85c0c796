package dev.longplay.models.sa3;

import dev.longplay.models.sa3.same.SameConfig;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The bundled sa3-small.json that {@code bench --model sa3-small-random} builds: the SAME-S section parses the way
 * {@code SameAutoencoder.loader()} reads it and fits the DiT, with the sizes the reference's MLX port gives sa3-sm-music.
 */
class Sa3BenchConfigTest {

    @Test
    void smallConfigIsSa3SmallShaped() {
        Sa3Config c = Sa3Bench.smallConfig();
        SameConfig same = SameConfig.of(c);
        assertEquals(c.ioChannels(), same.latentDim());
        assertEquals(c.downsamplingRatio(), same.downsamplingRatio());
        assertEquals(256, same.latentDim());
        assertEquals(256, same.patchSize());
        assertEquals(512, same.encoder().ioChannels());
        assertEquals("SAME, 1 level x 6 blocks, width 768, 32-latent chunks (midpoint shift), 256 latents at 4096x",
                same.describe());
        assertEquals(1024, c.dit().embedDim());
        assertEquals(20, c.dit().depth());
        assertEquals(16, c.dit().numHeads());
    }
}
