package dev.longplay.models.training;

/**
 * How a model is trained, after the Stable Audio Open recipe scaled down: the autoencoder first (multi-resolution
 * STFT loss plus a small KL term), then the diffusion model (v-objective) on the frozen autoencoder's latents;
 * AdamW with warm-up and cosine decay, EMA weights, conditioning dropout for classifier-free guidance, and the
 * diffusion clips growing from half of {@code clipSeconds} to all of it halfway through. {@code diffusionPeakLr}
 * is the diffusion phase's own peak rate (null: {@code peakLr} for both phases, as runs saved before it had).
 * {@code logSigmaShare} is the share of diffusion examples whose noise level is drawn with log σ uniform over the
 * model's sampler range instead of t uniform (null or 0: t uniform only, as the reference trains): the sampler
 * spaces its steps evenly in log σ, so about half of them lie above t = 0.95 where uniform t puts only 5 % of the
 * training, and that is where a clip's layout (where the beats fall) is decided. {@code shortClipShare} is the
 * share of the diffusion steps, from the first, trained on clips of half the length (null: one half, the
 * reference's short-to-long stages, as runs saved before it had). A fine-tune of a diffusion model that already
 * went through that stage starts at full length: frames past the half would go untrained while it trains short.
 */
public record TrainingRecipe(long seed, long datasetSeed, int batchSize, double clipSeconds,
                             long autoencoderSteps, long diffusionSteps, double peakLr, long warmupSteps,
                             double weightDecay, double emaDecay, double cfgDropout, double klWeight,
                             int[] fftSizes, int checkpointEvery, Double diffusionPeakLr, Double logSigmaShare,
                             Double shortClipShare) {

    /** The defaults for the built-in model on a CPU. */
    public static TrainingRecipe standard(long autoencoderSteps, long diffusionSteps) {
        return new TrainingRecipe(1, 20261125L, 4, 2.048, autoencoderSteps, diffusionSteps, 1e-4, 100,
                1e-3, 0.999, 0.1, 1e-4, new int[] {512, 256, 128, 64, 32}, 100, null, null, null);
    }

    public TrainingRecipe {
        if (batchSize < 1 || clipSeconds <= 0 || autoencoderSteps < 0 || diffusionSteps < 0 || peakLr <= 0
                || checkpointEvery < 1 || fftSizes == null || fftSizes.length == 0
                || (diffusionPeakLr != null && diffusionPeakLr <= 0)
                || (logSigmaShare != null && !(logSigmaShare >= 0 && logSigmaShare <= 1))
                || (shortClipShare != null && !(shortClipShare >= 0 && shortClipShare <= 1))) {
            throw new IllegalArgumentException("training recipe: batch size, clip length, learning rate and checkpoint"
                    + " interval must be positive, step counts not negative, at least one FFT size given, and the"
                    + " log-sigma and short-clip shares between 0 and 1");
        }
    }

    /** The same recipe with other step totals. */
    public TrainingRecipe withSteps(long autoencoder, long diffusion) {
        return toBuilder().autoencoderSteps(autoencoder).diffusionSteps(diffusion).build();
    }

    /** The same recipe with another log-sigma share (a run may change it when it is resumed). */
    public TrainingRecipe withLogSigmaShare(Double share) {
        return toBuilder().logSigmaShare(share).build();
    }

    /** The same recipe with other FFT sizes for the autoencoder's multi-resolution STFT loss. */
    public TrainingRecipe withFftSizes(int[] sizes) {
        return toBuilder().fftSizes(sizes).build();
    }

    /** A builder that starts from this recipe: change the fields named, keep the rest. */
    public Builder toBuilder() {
        return new Builder(this);
    }

    /** The log-sigma share as a number: 0 where the recipe has none. */
    public double logSigmaShareOrZero() {
        return logSigmaShare == null ? 0 : logSigmaShare;
    }

    /** Diffusion steps before this one train on half-length clips. */
    public long shortClipSteps() {
        return (long) Math.floor(diffusionSteps * (shortClipShare == null ? 0.5 : shortClipShare));
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

    /** Sets fields by name, so that no call site builds the record's 17 fields by position. */
    public static final class Builder {
        private long seed;
        private long datasetSeed;
        private int batchSize;
        private double clipSeconds;
        private long autoencoderSteps;
        private long diffusionSteps;
        private double peakLr;
        private long warmupSteps;
        private double weightDecay;
        private double emaDecay;
        private double cfgDropout;
        private double klWeight;
        private int[] fftSizes;
        private int checkpointEvery;
        private Double diffusionPeakLr;
        private Double logSigmaShare;
        private Double shortClipShare;

        private Builder(TrainingRecipe r) {
            seed = r.seed;
            datasetSeed = r.datasetSeed;
            batchSize = r.batchSize;
            clipSeconds = r.clipSeconds;
            autoencoderSteps = r.autoencoderSteps;
            diffusionSteps = r.diffusionSteps;
            peakLr = r.peakLr;
            warmupSteps = r.warmupSteps;
            weightDecay = r.weightDecay;
            emaDecay = r.emaDecay;
            cfgDropout = r.cfgDropout;
            klWeight = r.klWeight;
            fftSizes = r.fftSizes;
            checkpointEvery = r.checkpointEvery;
            diffusionPeakLr = r.diffusionPeakLr;
            logSigmaShare = r.logSigmaShare;
            shortClipShare = r.shortClipShare;
        }

        public Builder seed(long v) {
            seed = v;
            return this;
        }

        public Builder datasetSeed(long v) {
            datasetSeed = v;
            return this;
        }

        public Builder batchSize(int v) {
            batchSize = v;
            return this;
        }

        public Builder clipSeconds(double v) {
            clipSeconds = v;
            return this;
        }

        public Builder autoencoderSteps(long v) {
            autoencoderSteps = v;
            return this;
        }

        public Builder diffusionSteps(long v) {
            diffusionSteps = v;
            return this;
        }

        public Builder peakLr(double v) {
            peakLr = v;
            return this;
        }

        public Builder warmupSteps(long v) {
            warmupSteps = v;
            return this;
        }

        public Builder weightDecay(double v) {
            weightDecay = v;
            return this;
        }

        public Builder emaDecay(double v) {
            emaDecay = v;
            return this;
        }

        public Builder cfgDropout(double v) {
            cfgDropout = v;
            return this;
        }

        public Builder klWeight(double v) {
            klWeight = v;
            return this;
        }

        public Builder fftSizes(int... v) {
            fftSizes = v;
            return this;
        }

        public Builder checkpointEvery(int v) {
            checkpointEvery = v;
            return this;
        }

        /** Null: the autoencoder's {@code peakLr} for both phases. */
        public Builder diffusionPeakLr(Double v) {
            diffusionPeakLr = v;
            return this;
        }

        /** Null: t uniform only. */
        public Builder logSigmaShare(Double v) {
            logSigmaShare = v;
            return this;
        }

        /** Null: one half. */
        public Builder shortClipShare(Double v) {
            shortClipShare = v;
            return this;
        }

        /** The recipe; fails as the record's constructor does on values out of range. */
        public TrainingRecipe build() {
            return new TrainingRecipe(seed, datasetSeed, batchSize, clipSeconds, autoencoderSteps, diffusionSteps,
                    peakLr, warmupSteps, weightDecay, emaDecay, cfgDropout, klWeight, fftSizes, checkpointEvery,
                    diffusionPeakLr, logSigmaShare, shortClipShare);
        }
    }
}
