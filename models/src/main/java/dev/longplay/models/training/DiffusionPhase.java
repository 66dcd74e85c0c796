package dev.longplay.models.training;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.longplay.models.autoencoder.AudioAutoencoder;
import dev.longplay.models.conditioning.Conditioning;
import dev.longplay.models.pipeline.SamplingDefaults;

import java.util.Map;
import java.util.SplittableRandom;

/**
 * The diffusion phase, v-objective: latents of a batch (frozen autoencoder), t in (0, 1) (uniform, or partly
 * log-σ uniform: {@link #timestep}), x_t = cos(πt/2)·x + sin(πt/2)·ε, target v = cos(πt/2)·ε − sin(πt/2)·x; the
 * prompt conditioning of each example is zeroed with probability {@code cfgDropout} — the unconditional input that
 * guidance uses. Clips are half the recipe's length for its first {@link TrainingRecipe#shortClipSteps()} steps.
 */
final class DiffusionPhase {

    static final String NAME = "diffusion";
    // batches of this phase come from other examples than the autoencoder's
    private static final long EXAMPLES_OFFSET = 1L << 40;
    private static final long VALIDATION_SEED = 0x7A11DA7EL;

    private final TrainingModel model;
    private final TrainingRecipe recipe;
    private final PhaseOptimizer optimizer;
    private final Map<String, NDArray> params;
    // the autoencoder whose latents the diffusion model learns: the loaded one, or a copy at the measured scale
    private AudioAutoencoder latentAutoencoder;

    DiffusionPhase(TrainingModel model, TrainingRecipe recipe) {
        this.model = model;
        this.recipe = recipe;
        this.optimizer = new PhaseOptimizer(recipe);
        this.params = model.parameters(k -> !AutoencoderPhase.owns(k));
        this.latentAutoencoder = model.pipeline().autoencoder();
    }

    PhaseOptimizer optimizer() {
        return optimizer;
    }

    /** One step; returns its loss. */
    double step() {
        return optimizer.optimise(model, this::loss, params,
                recipe.diffusionLearningRate(recipe.diffusionSteps()).at(optimizer.step()));
    }

    /** The loss of training batch {@code index} (its noise, t and dropout) with the current weights. */
    double loss(long index) {
        return model.evaluate(this::loss, index);
    }

    private NDArray loss(long index, NDManager step) {
        // stages from short to longer context: half the clip for the first steps (half of them, as standard)
        double seconds = index < recipe.shortClipSteps() ? recipe.clipSeconds() / 2 : recipe.clipSeconds();
        SplittableRandom rng = new SplittableRandom(recipe.seed() * 104729 + index);
        TrainingBatches.Batch batch = model.batches().batch(index, EXAMPLES_OFFSET, model.clipSamples(seconds), step);
        return vLoss(batch, seconds, rng, recipe.cfgDropout(), recipe.logSigmaShareOrZero(), step);
    }

    /**
     * A training noise level t in (0, 1) (σ = tan(πt/2)): uniform, or with probability {@code logSigmaShare} drawn
     * with log σ uniform over [sigmaMin, sigmaMax]. With a share of 0 it draws exactly one number, as runs saved
     * before the share existed did, so they resume on the same sequence.
     */
    static double timestep(SplittableRandom rng, double logSigmaShare, double sigmaMin, double sigmaMax) {
        double u = rng.nextDouble();
        if (logSigmaShare > 0 && rng.nextDouble() < logSigmaShare) {
            double sigma = Math.exp(Math.log(sigmaMin) + u * (Math.log(sigmaMax) - Math.log(sigmaMin)));
            return 2 / Math.PI * Math.atan(sigma);
        }
        return 1e-4 + (1 - 2e-4) * u;
    }

    private NDArray vLoss(TrainingBatches.Batch batch, double seconds, SplittableRandom rng, double dropout,
                          double logSigmaShare, NDManager step) {
        AudioAutoencoder ae = latentAutoencoder;
        int b = Math.toIntExact(batch.audio().getShape().get(0));
        NDArray latents;
        try (NDArray encoded = ae.encode(batch.audio(), rng.nextLong())) {
            latents = encoded.stopGradient().duplicate();  // the autoencoder stays frozen: no gradient flows into it
        }
        latents.attach(step);
        long frames = latents.getShape().get(2);
        SamplingDefaults sampling = model.pipeline().defaults();
        float[] t = new float[b];
        float[] keep = new float[b];
        for (int i = 0; i < b; i++) {
            t[i] = (float) timestep(rng, logSigmaShare, sampling.sigmaMin(), sampling.sigmaMax());
            keep[i] = rng.nextDouble() < dropout ? 0f : 1f;
        }
        NDArray tArr = step.create(t);
        NDArray alpha = tArr.mul(Math.PI / 2).cos().reshape(b, 1, 1);
        NDArray sigma = tArr.mul(Math.PI / 2).sin().reshape(b, 1, 1);
        NDArray noise = TrainingModel.gaussian(step, rng, b, ae.latentDim(), frames);
        NDArray noised = latents.mul(alpha).add(noise.mul(sigma));
        NDArray velocity = noise.mul(alpha).sub(latents.mul(sigma));
        Conditioning cond = model.pipeline().condition(batch.prompts(), 0, seconds, step);
        NDArray tokens = cond.crossAttnTokens() == null ? null
                : cond.crossAttnTokens().mul(step.create(keep).reshape(b, 1, 1));
        Conditioning dropped = new Conditioning(tokens, cond.crossAttnMask(), cond.globalCond());
        NDArray v = model.pipeline().transformer().bind(dropped, null, 1.0, step).apply(noised, tArr);
        return v.sub(velocity).square().mean();
    }

    /** Whether this phase's latent scale was measured here (not read from the run's config). */
    boolean measuredLatentScale() {
        return latentAutoencoder != model.pipeline().autoencoder();
    }

    /**
     * The standard deviation of the (frozen) autoencoder's latents, as the loaded config scales them times that
     * scale, over {@code count} training batches of this phase: the pretransform scale that gives the diffusion
     * model unit-variance latents.
     */
    double latentSpread(int count) {
        AudioAutoencoder ae = model.pipeline().autoencoder();
        double sum = 0;
        double sumSquares = 0;
        long n = 0;
        for (int i = 0; i < count; i++) {
            try (NDManager step = model.newScratch()) {
                NDArray audio = model.batches().batch(i, EXAMPLES_OFFSET, model.clipSamples(recipe.clipSeconds()), step)
                        .audio();
                // latents as the loaded config scales them, times that scale: the autoencoder's own latents
                NDArray latents = ae.encode(audio, recipe.seed() * 31 + i).mul(ae.scale());
                latents.attach(step);
                float[] values = latents.toFloatArray();
                for (float v : values) {
                    sum += v;
                    sumSquares += (double) v * v;
                }
                n += values.length;
            }
        }
        double mean = sum / n;
        double std = Math.sqrt(Math.max(0, sumSquares / n - mean * mean));
        if (!(std > 0) || Double.isInfinite(std)) {
            throw new IllegalStateException("the autoencoder's latents have no spread (std " + std
                    + "): train it first");
        }
        return std;
    }

    /** From now on the diffusion model learns the autoencoder's latents divided by {@code scale}. */
    void useLatentScale(double scale) {
        AudioAutoencoder ae = model.pipeline().autoencoder();
        latentAutoencoder = new AudioAutoencoder(ae.encoder(), ae.decoder(), ae.bottleneck(), ae.latentDim(),
                ae.downsamplingRatio(), scale);
    }

    /**
     * The v-objective loss of the current (raw) weights on {@code count} validation batches, each once with its
     * prompts and once with the conditioning dropped as in training; same clips, noise and t for both.
     */
    ConditioningCheck conditioningCheck(int count) {
        double with = 0;
        double without = 0;
        for (int i = 0; i < count; i++) {
            try (NDManager step = model.newStep()) {
                TrainingBatches.Batch batch = model.batches().validationBatch(i,
                        model.clipSamples(recipe.clipSeconds()), step);
                // t uniform whatever the recipe draws, so that runs with other noise-level draws compare
                with += TrainingModel.value(vLoss(batch, recipe.clipSeconds(),
                        new SplittableRandom(VALIDATION_SEED + i), 0.0, 0.0, step));
                without += TrainingModel.value(vLoss(batch, recipe.clipSeconds(),
                        new SplittableRandom(VALIDATION_SEED + i), 1.0, 0.0, step));
            }
        }
        return new ConditioningCheck(with / count, without / count);
    }
}
