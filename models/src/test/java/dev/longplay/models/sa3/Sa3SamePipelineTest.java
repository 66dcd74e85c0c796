package dev.longplay.models.sa3;

import dev.longplay.models.AudioGenerators;
import dev.longplay.models.pipeline.AudioGenerator;
import dev.longplay.models.pipeline.GenerationListener;
import dev.longplay.models.pipeline.LoraSpec;
import dev.longplay.models.pipeline.GenerationParams;
import dev.longplay.models.sa3.same.SameAutoencoder;
import dev.longplay.models.weights.ModelFiles;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every {@link Sa3PipelineTest} on a tiny SA3 checkpoint whose DiT and SAME-S autoencoder fit together (8 latent
 * channels at 4096x), loaded the way the CLI's generate and the server's renderer load a model folder
 * ({@link AudioGenerators#load}: dispatch on model_config.json, SAME built from the {@code pretransform.*} weights).
 * Both are random, so what the modes should do is checked against what this codec does (audio-to-audio against its
 * own round trip of the init clip); that inpainting reproduces the kept audio is not checked: a random DiT is not
 * trained to copy its local conditioning through.
 */
class Sa3SamePipelineTest extends Sa3PipelineTest {

    @Override
    Sa3Pipeline open(Path dir) throws Exception {
        AudioGenerator g = AudioGenerators.load(ModelFiles.in(TinySa3Model.writeWithSame(dir)), "tiny-sa3-same");
        return assertInstanceOf(Sa3Pipeline.class, g);
    }

    /**
     * A tone with a slow swell on top: random SAME attention is near uniform, so a chunk's latents see about the
     * average of its 16 patches, and a steady 220 Hz tone averages out to what silence gives.
     */
    @Override
    float[][] initClip(double seconds, int rate) {
        float[][] a = tone(seconds, rate);
        for (float[] ch : a) {
            for (int i = 0; i < ch.length; i++) {
                ch[i] = (float) (0.5 * ch[i] + 0.4 * Math.sin(2 * Math.PI * 3 * i / rate));
            }
        }
        return a;
    }

    /** A random SAME passes little of its latents through (see initClip): any bit of difference counts. */
    @Override
    double effectFloor() {
        return 0;
    }

    /** Measured 0.62 vs 0.34 (0.998 vs near 0 with the linear test codec): the random decoder blurs more. */
    @Override
    double initMargin() {
        return 0.2;
    }

    /** Not a test here (no @Test): guidance does not involve the codec, and Sa3PipelineTest runs it; saves CI time. */
    @Override
    void negativePromptSteersTheGuidedBranch() {
    }

    @Test
    void theCheckpointsOwnSameAutoencoderDecodes() {
        SameAutoencoder same = assertInstanceOf(SameAutoencoder.class, pipeline.codec());
        assertEquals(8, same.latentDim());
        assertEquals(4096, same.downsamplingRatio());
        // 1.5 s + 6 s headroom = 81 latents, rounded up to the 2 that SAME-S's 32-sample chunks over stride 16 need
        assertEquals(82, pipeline.latentFrames(1.5));
    }

    @Test
    void loraAtStrengthZeroIsTheModelWithout() {
        Path lora = Path.of("src/test/resources/golden/sa3_dit_lora/lora_0.safetensors");
        GenerationParams p = GenerationParams.text("dark synth", 1.0, 21);
        float[][] plain = pipeline.generate(p, GenerationListener.NONE).samples();
        try {
            pipeline.setLoras(List.of(new LoraSpec(lora, 0.0)));
            float[][] zero = pipeline.generate(p, GenerationListener.NONE).samples();
            pipeline.setLoras(List.of(new LoraSpec(lora, 1.0)));
            float[][] full = pipeline.generate(p, GenerationListener.NONE).samples();
            assertArrayEquals(plain[0], zero[0]);
            assertArrayEquals(plain[1], zero[1]);
            assertTrue(diff(plain, full, 0, plain[0].length) > 1e-5, "the adapter at strength 1 changed nothing");
        } finally {
            pipeline.setLoras(List.of());
        }
        assertArrayEquals(plain[0], pipeline.generate(p, GenerationListener.NONE).samples()[0], "removing the adapter");
    }
}
