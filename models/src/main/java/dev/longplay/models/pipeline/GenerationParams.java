package dev.longplay.models.pipeline;

import java.util.List;

/**
 * Everything one generation needs, in musicians' units (seconds, BPM, bars). Nullable numbers mean "the
 * model's profile default" (see {@link SamplingDefaults}).
 *
 * @param seconds       length of the clip; for continuation, the whole length (given audio + new part)
 * @param secondsStart  the seconds_start conditioning value (0 unless generating a later window)
 * @param init          audio to start from (style transfer), to keep around (inpaint) or to continue
 * @param initNoiseLevel sigma the sampler starts from with init audio (style transfer); lower keeps more
 * @param keep          spans of {@code init} (in seconds) kept as they are while the rest is regenerated
 * @param loop          tempo and bars: the clip becomes exactly that many bars and loops without a click
 * @param secondsTotal  the seconds_total conditioning value; null means {@code seconds} (a window of a longer
 *                      piece says the piece's length here, as the reference's crops of longer files did)
 */
public record GenerationParams(String prompt, String negativePrompt, double seconds, double secondsStart, long seed,
                               Integer steps, Double cfgScale, String sampler, Double sigmaMin, Double sigmaMax,
                               Double rho, InitAudio init, Double initNoiseLevel, List<TimeSpan> keep, Loop loop,
                               Double secondsTotal) {

    /** Audio handed in by the user, at its own rate; the pipeline resamples it to the model's. */
    public record InitAudio(float[][] samples, int sampleRate) {
    }

    public record TimeSpan(double start, double end) {
        public TimeSpan {
            if (!(start >= 0 && end > start)) {
                throw new IllegalArgumentException("a time span needs 0 <= start < end, got [" + start + ", " + end + ")");
            }
        }
    }

    public record Loop(double bpm, int bars, int beatsPerBar) {
    }

    public GenerationParams {
        if (!(seconds > 0) || !Double.isFinite(seconds)) {
            throw new IllegalArgumentException("seconds must be positive, got " + seconds);
        }
        keep = keep == null ? List.of() : List.copyOf(keep);
        if (!keep.isEmpty() && init == null) {
            throw new IllegalArgumentException("keeping spans needs init audio");
        }
        if (secondsTotal != null && !(secondsTotal > 0 && Double.isFinite(secondsTotal))) {
            throw new IllegalArgumentException("seconds total must be positive, got " + secondsTotal);
        }
    }

    /** Conditioned on its own length ({@code secondsTotal} null). */
    public GenerationParams(String prompt, String negativePrompt, double seconds, double secondsStart, long seed,
                            Integer steps, Double cfgScale, String sampler, Double sigmaMin, Double sigmaMax, Double rho,
                            InitAudio init, Double initNoiseLevel, List<TimeSpan> keep, Loop loop) {
        this(prompt, negativePrompt, seconds, secondsStart, seed, steps, cfgScale, sampler, sigmaMin, sigmaMax, rho, init,
                initNoiseLevel, keep, loop, null);
    }

    /** A plain text-to-audio request with the model's defaults. */
    public static GenerationParams text(String prompt, double seconds, long seed) {
        return new GenerationParams(prompt, null, seconds, 0, seed, null, null, null, null, null, null, null, null,
                null, null);
    }
}
