package dev.longplay.models.training;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import dev.longplay.models.autoencoder.AudioAutoencoder;
import dev.longplay.models.autoencoder.VaeBottleneck;
import dev.longplay.models.nn.TorchOwned;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The autoencoder phase: the VAE learns to reconstruct half-length clips under a multi-resolution STFT loss plus a
 * small KL term, its noise drawn from the batch index. Once the diffusion phase has begun ({@code decoderOnly}) the
 * encoder stays frozen and only the decoder learns, as the reference's {@code encoder_freeze_on_warmup} does.
 */
final class AutoencoderPhase {

    static final String NAME = "autoencoder";
    private static final String PREFIX = AudioAutoencoder.CHECKPOINT_PREFIX + ".";
    private static final String DECODER_PREFIX = PREFIX + "decoder.";
    private static final float INITIAL_LATENT_LOG_SCALE = -4f; // softplus(-4) ≈ 0.018

    private final TrainingModel model;
    private final TrainingRecipe recipe;
    private final BooleanSupplier decoderOnly;
    private final MultiResolutionStftLoss stftLoss;
    private final PhaseOptimizer optimizer;
    private final Map<String, NDArray> params;
    private final Map<String, NDArray> decoderParams;

    /** {@code decoderOnly} says whether steps train the decoder only (asked at every step). */
    AutoencoderPhase(TrainingModel model, TrainingRecipe recipe, BooleanSupplier decoderOnly) {
        this.model = model;
        this.recipe = recipe;
        this.decoderOnly = decoderOnly;
        int clip = clipSamples();
        for (int n : recipe.fftSizes()) {
            if (n < 4 || n > clip) {
                throw new IllegalArgumentException("FFT size " + n + " of the autoencoder loss does not fit its clips of "
                        + clip + " samples");
            }
        }
        this.stftLoss = new MultiResolutionStftLoss(recipe.fftSizes());
        this.optimizer = new PhaseOptimizer(recipe);
        this.params = model.parameters(AutoencoderPhase::owns);
        this.decoderParams = model.parameters(k -> k.startsWith(DECODER_PREFIX));
    }

    /** Whether the checkpoint key {@code key} is one of the autoencoder's (the rest is the diffusion phase's). */
    static boolean owns(String key) {
        return key.startsWith(PREFIX);
    }

    PhaseOptimizer optimizer() {
        return optimizer;
    }

    /** One step; returns its loss. */
    double step() {
        return optimizer.optimise(model, this::loss, decoderOnly.getAsBoolean() ? decoderParams : params,
                recipe.learningRate(recipe.autoencoderSteps()).at(optimizer.step()));
    }

    /** The loss of training batch {@code index} with the current weights, changing nothing. */
    double loss(long index) {
        return model.evaluate(this::loss, index);
    }

    /**
     * The gradient of loss {@code index} for every autoencoder parameter, by key, with the weights left as they are
     * and the accumulated gradients cleared: what a step would be computed from (for checks).
     */
    Map<String, float[]> gradients(long index) {
        model.backward(this::loss, index);
        Map<String, float[]> gradients = new LinkedHashMap<>();
        params.forEach((key, p) -> {
            try (NDArray g = p.getGradient()) {
                gradients.put(key, g.toFloatArray());
                g.muli(0);
            }
        });
        return gradients;
    }

    // multi-resolution STFT reconstruction + KL to N(0, 1), the VAE's noise drawn from the batch index
    private NDArray loss(long index, NDManager step) {
        AudioAutoencoder ae = model.pipeline().autoencoder();
        int samples = clipSamples();
        NDArray audio = model.batches().batch(index, 0, samples, step).audio();
        NDArray noise = TrainingModel.gaussian(step, new SplittableRandom(recipe.seed() * 7919 + index),
                recipe.batchSize(), ae.latentDim(), samples / ae.downsamplingRatio());
        NDArray encoded = ae.encoder().forward(audio);
        if (decoderOnly.getAsBoolean()) {
            NDArray frozen = encoded.stopGradient().duplicate();
            frozen.attach(step);
            VaeBottleneck.Sample s = ae.bottleneck().sample(frozen, noise);
            return stftLoss.apply(ae.decoder().forward(s.latents()), audio); // the KL term is the encoder's
        }
        VaeBottleneck.Sample s = ae.bottleneck().sample(encoded, noise);
        NDArray reconstructed = ae.decoder().forward(s.latents());
        NDArray variance = s.stdev().square();
        NDArray kl = s.mean().square().add(variance).sub(variance.log()).sub(1).sum(new int[] {1}).mean();
        return stftLoss.apply(reconstructed, audio).add(kl.mul(TorchOwned.scalar(kl, recipe.klWeight())));
    }

    private int clipSamples() {
        return model.clipSamples(recipe.clipSeconds() / 2);
    }

    /**
     * A new run's VAE starts with little sampling noise: the encoder's output bias for the scale half is set so that
     * softplus gives a stdev of about 0.02 (at the zero bias of a plain init it is 0.69, far above the mean's
     * scale, so the decoder first learns to ignore the latents and undoes that only slowly). The KL term then
     * raises the noise to what the reconstruction can afford, as in the reference.
     */
    void startWithQuietLatentNoise() {
        AudioAutoencoder ae = model.pipeline().autoencoder();
        if (ae.bottleneck() == null) {
            return;
        }
        int latentDim = ae.latentDim();
        Pattern outputBias = Pattern.compile(Pattern.quote(PREFIX + "encoder.layers.") + "(\\d+)\\.bias");
        String last = null;
        int lastIndex = -1;
        for (String key : params.keySet()) {
            Matcher m = outputBias.matcher(key);
            if (m.matches() && Integer.parseInt(m.group(1)) > lastIndex) {
                lastIndex = Integer.parseInt(m.group(1));
                last = key;
            }
        }
        if (last == null || params.get(last).getShape().get(0) != 2L * latentDim) {
            return; // an encoder without an output bias of the bottleneck's width: keep the plain init
        }
        params.get(last).set(new NDIndex(latentDim + ":"), INITIAL_LATENT_LOG_SCALE);
    }

    /**
     * Sets the autoencoder's trained weights to their EMA, which is what the exported model ships: the diffusion
     * model must learn the latents of the autoencoder it will be decoded by, and after a short autoencoder phase the
     * average still differs from the last step's weights.
     */
    void adoptAverage() {
        optimizer.averages().forEach((k, average) -> {
            NDArray p = params.get(k);
            if (p != null) {
                p.muli(0).addi(average);
            }
        });
    }
}
