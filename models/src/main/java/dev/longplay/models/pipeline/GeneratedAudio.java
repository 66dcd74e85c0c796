package dev.longplay.models.pipeline;

import java.util.Map;

/** A finished clip: planar float samples at the model's rate, the seed used, and where the time went. */
public record GeneratedAudio(float[][] samples, int sampleRate, long seed, Map<String, Double> timingsSeconds) {

    public int frames() {
        return samples.length == 0 ? 0 : samples[0].length;
    }
}
