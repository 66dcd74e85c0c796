package dev.longplay.models.training;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.longplay.models.dataset.Brightness;
import dev.longplay.models.dataset.Placement;
import dev.longplay.models.dataset.SoundKind;
import dev.longplay.models.dataset.SoundSpec;
import dev.longplay.models.dataset.SoundSynth;
import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The reconstruction loss must rank errors as a listener would: a faint noise floor is a small fault, a wrong
 * stereo image or level a large one. Clips come from the training set's own synthesiser.
 */
class MultiResolutionStftLossTest {

    private static final int RATE = 8000;
    private static final int SAMPLES = 8192;
    private final MultiResolutionStftLoss loss = new MultiResolutionStftLoss(512, 256, 128, 64, 32);

    private static float[][] clip(SoundKind kind, Placement placement, long seed) {
        return new SoundSynth(RATE).render(new SoundSpec(kind, 120, 9, true, Brightness.DARK, placement, seed), SAMPLES);
    }

    private double score(NDManager m, float[][] prediction, float[][] target) {
        return loss.apply(batch(m, prediction), batch(m, target)).getFloat();
    }

    private static NDArray batch(NDManager m, float[][] audio) {
        float[] flat = new float[audio.length * audio[0].length];
        for (int c = 0; c < audio.length; c++) {
            System.arraycopy(audio[c], 0, flat, c * audio[c].length, audio[c].length);
        }
        return m.create(flat, new Shape(1, audio.length, audio[0].length));
    }

    private static float[][] map(float[][] audio, java.util.function.BiFunction<Integer, Integer, Float> sample) {
        float[][] out = new float[audio.length][audio[0].length];
        for (int c = 0; c < audio.length; c++) {
            for (int i = 0; i < audio[c].length; i++) {
                out[c][i] = sample.apply(c, i);
            }
        }
        return out;
    }

    private static float[][] withNoise(float[][] audio, double amplitude, long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        return map(audio, (c, i) -> (float) (audio[c][i] + amplitude * (2 * rng.nextDouble() - 1)));
    }

    private static double rms(float[][] audio) {
        double sum = 0;
        for (float[] channel : audio) {
            for (float x : channel) {
                sum += x * x;
            }
        }
        return Math.sqrt(sum / (audio.length * audio[0].length));
    }

    @Test
    void aPerfectReconstructionCostsNothing() {
        try (NDManager m = NDManager.newBaseManager("PyTorch")) {
            float[][] target = clip(SoundKind.PLUCK, Placement.LEFT, 5);
            assertEquals(0.0, score(m, target, target), 1e-3);
        }
    }

    @Test
    void aFaintNoiseFloorCostsLessThanAWrongStereoImageOrLevel() {
        try (NDManager m = NDManager.newBaseManager("PyTorch")) {
            for (SoundKind kind : new SoundKind[] {SoundKind.PLUCK, SoundKind.DRUM_LOOP, SoundKind.ONE_SHOT}) {
                float[][] target = clip(kind, Placement.LEFT, 7);
                // white noise 30 dB under the clip's own level: audible on close listening, never mistaken for the sound
                double noisy = score(m, withNoise(target, rms(target) * Math.sqrt(3) * 0.0316, 3), target);
                double swapped = score(m, map(target, (c, i) -> target[1 - c][i]), target);
                double halfLevel = score(m, map(target, (c, i) -> 0.5f * target[c][i]), target);
                assertTrue(noisy < swapped, kind + ": noise " + noisy + " should cost less than swapped channels " + swapped);
                assertTrue(noisy < halfLevel, kind + ": noise " + noisy + " should cost less than half the level " + halfLevel);
            }
        }
    }

    @Test
    void moreNoiseCostsMore() {
        try (NDManager m = NDManager.newBaseManager("PyTorch")) {
            float[][] target = clip(SoundKind.BASS, Placement.RIGHT, 9);
            double previous = 0;
            for (double amplitude : new double[] {1e-4, 1e-3, 1e-2, 1e-1}) {
                double value = score(m, withNoise(target, amplitude, 4), target);
                assertTrue(value > previous, "noise " + amplitude + " scored " + value + ", not above " + previous);
                previous = value;
            }
        }
    }

    @Test
    void aFaintSideOnACentredSoundIsASmallFault() {
        try (NDManager m = NDManager.newBaseManager("PyTorch")) {
            float[][] target = clip(SoundKind.PAD, Placement.CENTER, 11);
            // noise in the left channel only: a side signal about -50 dB under the peak where the target has none
            SplittableRandom rng = new SplittableRandom(6);
            float[][] faintSide = map(target, (c, i) -> (float) (target[c][i] + (c == 0 ? 0.003 * (2 * rng.nextDouble() - 1) : 0)));
            double side = score(m, faintSide, target);
            double halfLevel = score(m, map(target, (c, i) -> 0.5f * target[c][i]), target);
            assertTrue(side < halfLevel / 2, "a faint side " + side + " should cost well under half the level's " + halfLevel);
        }
    }
}
