package dev.longplay.models.training;

import dev.longplay.models.weights.CheckpointException;
import dev.longplay.models.weights.SafetensorsFile;
import dev.longplay.models.weights.SafetensorsWriter;

import java.io.IOException;
import java.nio.file.Path;

/**
 * The starting frequencies of the tempo conditioner ({@link AddedConditioner#TEMPO}): spread so that one BPM moves
 * its token from the first step.
 */
final class TempoConditionerConfig {

    static final int MAX_BPM = AddedConditioner.MAX_BPM;

    /** The learned Fourier features' frequencies (cycles over 0–{@value #MAX_BPM} BPM), one per sin/cos pair. */
    static final String FREQUENCIES_KEY = AddedConditioner.TEMPO.checkpointPrefix() + "embedder.embedding.0.weights";

    /** The lowest and highest starting frequency, in cycles over 0–{@value #MAX_BPM} BPM. */
    static final double LOWEST_CYCLES = 0.25;
    static final double HIGHEST_CYCLES = 60;

    private TempoConditionerConfig() {
    }

    /**
     * Starting frequencies for the tempo's Fourier features, spread geometrically from {@value #LOWEST_CYCLES} to
     * {@value #HIGHEST_CYCLES} cycles over the range. The reference draws them from N(0, 1), a few cycles over
     * 0–240 BPM at most: one BPM then turns no feature by more than a twentieth of a radian, and a DiT must first
     * learn those frequencies up before it can tell 97 from 100. At 60 cycles one BPM turns the highest pair by a
     * quarter turn, so neighbouring tempos are apart from the first step and still vary smoothly between trained
     * integers. They stay learnable, and the checkpoint keeps the reference's layout.
     */
    static float[] spreadFrequencies(int count) {
        float[] w = new float[count];
        for (int i = 0; i < count; i++) {
            double t = count == 1 ? 1 : (double) i / (count - 1);
            w[i] = (float) (LOWEST_CYCLES * Math.pow(HIGHEST_CYCLES / LOWEST_CYCLES, t));
        }
        return w;
    }

    /** Rewrites {@code checkpoint} with the tempo conditioner's frequencies set to {@link #spreadFrequencies}. */
    static void spreadFrequenciesIn(Path checkpoint) throws IOException {
        try (SafetensorsFile file = SafetensorsFile.open(checkpoint)) {
            if (!file.contains(FREQUENCIES_KEY) || file.shape(FREQUENCIES_KEY).length != 1) {
                throw new CheckpointException(checkpoint + " has no tempo conditioner frequencies " + FREQUENCIES_KEY);
            }
        }
        SafetensorsWriter.rewrite(checkpoint, (k, shape, v) ->
                k.equals(FREQUENCIES_KEY) ? spreadFrequencies(Math.toIntExact(shape[0])) : v);
    }
}
