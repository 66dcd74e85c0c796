package dev.longplay.models.training;

/**
 * How a model is trained, after the Stable Audio Open recipe scaled down: the autoencoder first (multi-resolution
 * STFT loss plus a small KL term), then the diffusion model (v-objective) on the frozen autoencoder's latents;
 * AdamW with warm-up and cosine decay, EMA weights, conditioning dropout for classifier-free guidance, and the
 * diffusion clips growing from half of {@code clipSeconds} to all of it halfway through. {@code diffusionPeakLr}
 * is the diffusion phase's own peak rate (null: {@code peakLr} for both phases, as runs saved before it had).
 */
public record TrainingRecipe(long seed, long datasetSeed, int batchSize, double clipSeconds,
                             long autoencoderSteps, long diffusionSteps, double peakLr, long warmupSteps,
                             double weightDecay, double emaDecay, double cfgDropout, double klWeight,
                             int[] fftSizes, int checkpointEvery, Double diffusionPeakLr) {

    /** The defaults for the built-in model on a CPU. */
    public static TrainingRecipe standard(long autoencoderSteps, long diffusionSteps) {
        return new TrainingRecipe(1, 20261125L, 4, 2.048, autoencoderSteps, diffusionSteps, 1e-4, 100,
                1e-3, 0.999, 0.1, 1e-4, new int[] {512, 256, 128, 64, 32}, 100, null);
    }

    public TrainingRecipe {
        if (batchSize < 1 || clipSeconds <= 0 || autoencoderSteps < 0 || diffusionSteps < 0 || peakLr <= 0
                || checkpointEvery < 1 || fftSizes == null || fftSizes.length == 0
                || (diffusionPeakLr != null && diffusionPeakLr <= 0)) {
            throw new IllegalArgumentException("training recipe: batch size, clip length, learning rate and checkpoint"
                    + " interval must be positive, step counts not negative, and at least one FFT size given");
        }
    }

    /** The same recipe with other step totals. */
    public TrainingRecipe withSteps(long autoencoder, long diffusion) {
        return new TrainingRecipe(seed, datasetSeed, batchSize, clipSeconds, autoencoder, diffusion, peakLr, warmupSteps,
                weightDecay, emaDecay, cfgDropout, klWeight, fftSizes, checkpointEvery, diffusionPeakLr);
    }

    /** The autoencoder phase's schedule over {@code totalSteps}. */
    public LearningRate learningRate(long totalSteps) {
        return schedule(peakLr, totalSteps);
    }

    /** The diffusion phase's schedule over {@code totalSteps}. */
    public LearningRate diffusionLearningRate(long totalSteps) {
        return schedule(diffusionPeakLr == null ? peakLr : diffusionPeakLr, totalSteps);
    }

    private LearningRate schedule(double peak, long totalSteps) {
        return new LearningRate(peak, Math.min(warmupSteps, Math.max(1, totalSteps / 10)), totalSteps, 0.1);
    }
}
