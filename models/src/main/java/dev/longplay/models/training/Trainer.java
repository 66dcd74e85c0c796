package dev.longplay.models.training;

import dev.longplay.models.nn.TorchOwned;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.longplay.models.nn.ComputeTarget;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import dev.longplay.models.autoencoder.AudioAutoencoder;
import dev.longplay.models.autoencoder.VaeBottleneck;
import dev.longplay.models.conditioning.Conditioning;
import dev.longplay.models.config.ModelConfig;
import dev.longplay.models.pipeline.SamplingDefaults;
import dev.longplay.models.pipeline.StableAudioPipeline;
import dev.longplay.models.pipeline.SyntheticModel;
import dev.longplay.models.weights.CheckpointException;
import dev.longplay.models.weights.ModelFiles;
import dev.longplay.models.weights.SafetensorsFile;
import dev.longplay.models.weights.SafetensorsWriter;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Trains a Stable Audio-shaped model through the runtime's own loaders and forward code: the checkpoint is opened
 * through {@link TrainableWeights}, so every layer the pipeline builds is a trainable layer. A run lives in one
 * folder that is at all times a loadable model ({@code model_config.json}, {@code model.safetensors} with the EMA
 * weights, {@code text_encoder/}, {@code tokenizer/}) plus {@code training/} with the raw weights, optimizer
 * moments, averages and progress, from which {@link #resume(Path)} continues exactly.
 */
public final class Trainer implements AutoCloseable {

    static final String STATE_DIR = "training";
    private static final String AE_PREFIX = AudioAutoencoder.CHECKPOINT_PREFIX + ".";
    private static final String DECODER_PREFIX = AE_PREFIX + "decoder.";
    private static final String AE_PHASE = "autoencoder";
    private static final String DIT_PHASE = "diffusion";
    private static final long DIT_EXAMPLES_OFFSET = 1L << 40;
    private static final double MAX_GRAD_NORM = 1.0;
    private static final float INITIAL_LATENT_LOG_SCALE = -4f; // softplus(-4) ≈ 0.018
    private static final int LATENT_SCALE_BATCHES = 8;
    private static final int CONDITIONING_CHECK_BATCHES = 2;
    private static final long VALIDATION_SEED = 0x7A11DA7EL;

    private final Path dir;
    private final ComputeTarget target;
    private final TrainingRecipe recipe;
    private final StableAudioPipeline pipeline;
    private final TrainableWeights weights;
    private final ModelConfig config;
    private final TrainingBatches batches;
    private final MultiResolutionStftLoss stftLoss;
    private final AdamW aeOptimizer;
    private final AdamW ditOptimizer;
    private final ExponentialMovingAverage aeEma;
    private final ExponentialMovingAverage ditEma;
    private final Map<String, NDArray> aeParams = new LinkedHashMap<>();
    private final Map<String, NDArray> decoderParams = new LinkedHashMap<>();
    private final Map<String, NDArray> ditParams = new LinkedHashMap<>();
    private long aeStep;
    private long ditStep;
    // the autoencoder whose latents the diffusion model learns: the loaded one, or a copy at the measured scale
    private AudioAutoencoder latentAutoencoder;

    private Trainer(Path dir, TrainingRecipe recipe, Path weightsFile, java.util.Set<String> weightNormedPlain,
                    ComputeTarget target) {
        if (target.isReduced() || target.int8Dit()) {
            throw new IllegalArgumentException("training runs in fp32 (" + target.describe() + " was asked for)");
        }
        this.dir = dir;
        this.target = target;
        this.recipe = recipe;
        TrainableWeights[] opened = new TrainableWeights[1];
        ModelFiles base = ModelFiles.in(dir);
        this.pipeline = StableAudioPipeline.load(new ModelFiles(dir, base.config(), weightsFile), "training", target,
                file -> opened[0] = new TrainableWeights(file, weightNormedPlain));
        this.weights = opened[0];
        this.config = pipeline.config();
        weights.parameters().forEach((k, p) -> (k.startsWith(AE_PREFIX) ? aeParams : ditParams).put(k, p));
        aeParams.forEach((k, p) -> {
            if (k.startsWith(DECODER_PREFIX)) {
                decoderParams.put(k, p);
            }
        });
        // the wording follows the run's own tokenizer, so runs begun before V2 resume on the same batches
        this.batches = new TrainingBatches(recipe.datasetSeed(), config.sampleRate(), config.audioChannels(),
                recipe.batchSize(), dev.longplay.models.dataset.PromptVocabulary.of(dir));
        int aeClip = clipSamples(recipe.clipSeconds() / 2);
        for (int n : recipe.fftSizes()) {
            if (n < 4 || n > aeClip) {
                throw new IllegalArgumentException("FFT size " + n + " of the autoencoder loss does not fit its clips of "
                        + aeClip + " samples");
            }
        }
        this.stftLoss = new MultiResolutionStftLoss(recipe.fftSizes());
        this.aeOptimizer = new AdamW(0.9, 0.999, 1e-8, recipe.weightDecay());
        this.ditOptimizer = new AdamW(0.9, 0.999, 1e-8, recipe.weightDecay());
        this.aeEma = new ExponentialMovingAverage(recipe.emaDecay());
        this.ditEma = new ExponentialMovingAverage(recipe.emaDecay());
        this.latentAutoencoder = pipeline.autoencoder();
    }

    /**
     * Starts a run in {@code dir} (which must not hold one) from random weights for {@code modelConfig},
     * with the T5 text encoder config and tokenizer given.
     */
    public static Trainer start(Path dir, byte[] modelConfig, byte[] t5Config, byte[] tokenizer, TrainingRecipe recipe)
            throws IOException {
        return start(dir, modelConfig, t5Config, tokenizer, recipe, ComputeTarget.CPU);
    }

    /** As {@link #start(Path, byte[], byte[], byte[], TrainingRecipe)} on {@code target}'s device (fp32). */
    public static Trainer start(Path dir, byte[] modelConfig, byte[] t5Config, byte[] tokenizer, TrainingRecipe recipe,
                                ComputeTarget target) throws IOException {
        requireNoRun(dir);
        SyntheticModel.write(dir, modelConfig, t5Config, tokenizer, recipe.seed(), true);
        Trainer t = new Trainer(dir, recipe, dir.resolve("model.safetensors"), java.util.Set.of(), target);
        t.startWithQuietLatentNoise();
        t.save();
        return t;
    }

    private static void requireNoRun(Path dir) {
        if (Files.exists(dir.resolve(STATE_DIR))) {
            throw new IllegalStateException(dir + " already holds a training run: resume it instead");
        }
    }

    /**
     * Starts a run in {@code dir} that trains only a diffusion model, on the trained autoencoder of the model folder
     * {@code autoencoderModel} (as the reference's pretrained-pretransform option does): the new run's config is
     * {@code modelConfig} with that model's {@code pretransform} (and so its latent scale) in place of its own, and
     * the autoencoder's weights are that model's shipped (averaged) ones, frozen. The autoencoder phase is skipped.
     */
    public static Trainer startOnAutoencoder(Path dir, byte[] modelConfig, byte[] t5Config, byte[] tokenizer,
                                             TrainingRecipe recipe, ComputeTarget target, Path autoencoderModel)
            throws IOException {
        requireNoRun(dir);
        ModelFiles source = safetensorsModel(autoencoderModel);
        SyntheticModel.write(dir, withPretransformOf(modelConfig, source.config()), t5Config, tokenizer,
                recipe.seed(), true);
        copyTensors(source.checkpoint(), dir.resolve("model.safetensors"), AE_PREFIX);
        Trainer t = new Trainer(dir, recipe.withSteps(0, recipe.diffusionSteps()), dir.resolve("model.safetensors"),
                java.util.Set.of(), target);
        t.save();
        return t;
    }

    /**
     * Starts a run in {@code dir} that fine-tunes the trained model folder {@code model} (as the reference's
     * pretrained-checkpoint option does): its config, shipped (averaged) weights, text encoder, tokenizer and sampling
     * defaults are the new run's starting point. The autoencoder is trained further, encoder and decoder, for the
     * recipe's autoencoder steps, and the diffusion model then for its diffusion steps, as in a new run. With
     * autoencoder steps the latent scale is measured again when the diffusion phase begins (the latents the
     * diffusion model knew have moved); with none, the autoencoder and its scale stay as they were.
     */
    public static Trainer startFrom(Path dir, TrainingRecipe recipe, ComputeTarget target, Path model)
            throws IOException {
        requireNoRun(dir);
        ModelFiles source = safetensorsModel(model);
        Path textEncoder = source.dir().resolve("text_encoder");
        Path tokenizer = source.dir().resolve("tokenizer/tokenizer.json");
        for (Path p : new Path[] {textEncoder.resolve("config.json"), textEncoder.resolve("model.safetensors"), tokenizer}) {
            if (!Files.isRegularFile(p)) {
                throw new CheckpointException(model + ": " + source.dir().relativize(p) + " is missing (a run starts"
                        + " from a model with a T5 text encoder)");
            }
        }
        byte[] config = Files.readAllBytes(source.config());
        if (recipe.autoencoderSteps() > 0) {
            config = withoutLatentScale(config);
        }
        SyntheticModel.write(dir, config, Files.readAllBytes(textEncoder.resolve("config.json")),
                Files.readAllBytes(tokenizer), recipe.seed(), true);
        Files.copy(textEncoder.resolve("model.safetensors"), dir.resolve("text_encoder/model.safetensors"),
                java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        Path defaults = source.dir().resolve(dev.longplay.models.pipeline.SamplingDefaults.FILE);
        if (Files.isRegularFile(defaults)) {
            Files.copy(defaults, dir.resolve(defaults.getFileName()));
        }
        copyTensors(source.checkpoint(), dir.resolve("model.safetensors"), "");
        Trainer t = new Trainer(dir, recipe, dir.resolve("model.safetensors"), java.util.Set.of(), target);
        t.save();
        return t;
    }

    // a trained model folder whose weights are model.safetensors, the only format a run copies tensors from
    private static ModelFiles safetensorsModel(Path model) {
        ModelFiles source = ModelFiles.in(model);
        if (!source.checkpoint().getFileName().toString().endsWith(".safetensors")) {
            throw new CheckpointException(model + ": a run starts from a model's model.safetensors");
        }
        return source;
    }

    // the config without model.pretransform.scale, so that the diffusion phase measures it again
    static byte[] withoutLatentScale(byte[] modelConfig) throws IOException {
        com.fasterxml.jackson.databind.JsonNode root = ModelConfig.JSON.readTree(modelConfig);
        if (root.path("model").path("pretransform") instanceof com.fasterxml.jackson.databind.node.ObjectNode p) {
            p.remove("scale");
        }
        return ModelConfig.JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(root);
    }

    // the new config with the source's pretransform; the audio format and the diffusion model's width must agree
    static byte[] withPretransformOf(byte[] modelConfig, Path sourceConfig) throws IOException {
        com.fasterxml.jackson.databind.JsonNode read = ModelConfig.JSON.readTree(modelConfig);
        com.fasterxml.jackson.databind.JsonNode source = ModelConfig.JSON.readTree(sourceConfig.toFile());
        if (!(read instanceof com.fasterxml.jackson.databind.node.ObjectNode root)
                || !(root.path("model") instanceof com.fasterxml.jackson.databind.node.ObjectNode model)) {
            throw new CheckpointException("the new run's model_config.json has no \"model\" object");
        }
        com.fasterxml.jackson.databind.JsonNode pretransform = source.path("model").path("pretransform");
        if (!pretransform.path("scale").isNumber()) {
            throw new CheckpointException(sourceConfig + ": no trained autoencoder (its pretransform has no latent"
                    + " scale yet: train its autoencoder phase first)");
        }
        for (String field : new String[] {"sample_rate", "audio_channels"}) {
            if (root.path(field).asLong() != source.path(field).asLong()) {
                throw new IllegalArgumentException("the new config's " + field + " is " + root.path(field)
                        + " but the autoencoder's model has " + source.path(field));
            }
        }
        long latentDim = pretransform.path("config").path("latent_dim").asLong();
        long io = model.path("diffusion").path("config").path("io_channels").asLong();
        if (io != latentDim) {
            throw new IllegalArgumentException("the new config's diffusion io_channels is " + io
                    + " but the autoencoder's latents have " + latentDim + " channels");
        }
        model.set("pretransform", pretransform.deepCopy());
        model.put("io_channels", latentDim);
        return ModelConfig.JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(root);
    }

    // rewrites target with every tensor under prefix taken from source (same keys and shapes required)
    private static void copyTensors(Path source, Path target, String prefix) throws IOException {
        Map<String, long[]> shapes = new LinkedHashMap<>();
        try (SafetensorsFile from = SafetensorsFile.open(source); SafetensorsFile to = SafetensorsFile.open(target);
             NDManager m = NDManager.newBaseManager(ai.djl.Device.cpu())) {
            for (String k : to.keys()) {
                shapes.put(k, to.shape(k));
                if (k.startsWith(prefix) && (!from.contains(k)
                        || !java.util.Arrays.equals(from.shape(k), to.shape(k)))) {
                    throw new CheckpointException(source + ": tensor " + k
                            + " is missing or has another shape than its config gives");
                }
            }
            Path merged = target.resolveSibling(target.getFileName() + ".merged");
            SafetensorsWriter.write(merged, shapes, k -> {
                try (NDArray a = (k.startsWith(prefix) ? from : to).load(m, k, ai.djl.ndarray.types.DataType.FLOAT32)) {
                    return a.toFloatArray();
                }
            });
            Files.move(merged, target, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        }
    }

    /**
     * A new run's VAE starts with little sampling noise: the encoder's output bias for the scale half is set so that
     * softplus gives a stdev of about 0.02 (at the zero bias of a plain init it is 0.69, far above the mean's
     * scale, so the decoder first learns to ignore the latents and undoes that only slowly). The KL term then
     * raises the noise to what the reconstruction can afford, as in the reference.
     */
    private void startWithQuietLatentNoise() {
        if (pipeline.autoencoder().bottleneck() == null) {
            return;
        }
        int latentDim = pipeline.autoencoder().latentDim();
        java.util.regex.Pattern outputBias = java.util.regex.Pattern.compile(
                java.util.regex.Pattern.quote(AE_PREFIX + "encoder.layers.") + "(\\d+)\\.bias");
        String last = null;
        int lastIndex = -1;
        for (String key : aeParams.keySet()) {
            java.util.regex.Matcher m = outputBias.matcher(key);
            if (m.matches() && Integer.parseInt(m.group(1)) > lastIndex) {
                lastIndex = Integer.parseInt(m.group(1));
                last = key;
            }
        }
        if (last == null || aeParams.get(last).getShape().get(0) != 2L * latentDim) {
            return; // an encoder without an output bias of the bottleneck's width: keep the plain init
        }
        aeParams.get(last).set(new ai.djl.ndarray.index.NDIndex(latentDim + ":"), INITIAL_LATENT_LOG_SCALE);
    }

    /** Continues the run saved in {@code dir}: same weights, optimizer moments, averages and step counts. */
    public static Trainer resume(Path dir) throws IOException {
        return resume(dir, null, null);
    }

    /**
     * As {@link #resume(Path)}, with new step totals where given (the learning-rate schedule stretches to them).
     */
    public static Trainer resume(Path dir, Long autoencoderSteps, Long diffusionSteps) throws IOException {
        return resume(dir, autoencoderSteps, diffusionSteps, ComputeTarget.CPU);
    }

    /** As {@link #resume(Path, Long, Long)} on {@code target}'s device: a run may move between CPU and GPU. */
    public static Trainer resume(Path dir, Long autoencoderSteps, Long diffusionSteps, ComputeTarget target)
            throws IOException {
        return resume(dir, autoencoderSteps, diffusionSteps, null, null, target);
    }

    /**
     * As above, with a new {@link TrainingRecipe#logSigmaShare()} and new FFT sizes of the autoencoder loss where
     * given (from the next step on).
     */
    public static Trainer resume(Path dir, Long autoencoderSteps, Long diffusionSteps, Double logSigmaShare,
                                 int[] fftSizes, ComputeTarget target) throws IOException {
        Path state = dir.resolve(STATE_DIR);
        Path progressFile = state.resolve("progress.json");
        if (!Files.isRegularFile(progressFile)) {
            throw new CheckpointException("no training run in " + dir + " (missing " + progressFile + ")");
        }
        TrainingProgress p = ModelConfig.JSON.readValue(progressFile.toFile(), TrainingProgress.class);
        TrainingRecipe r = p.recipe().withSteps(autoencoderSteps == null ? p.recipe().autoencoderSteps() : autoencoderSteps,
                diffusionSteps == null ? p.recipe().diffusionSteps() : diffusionSteps);
        if (logSigmaShare != null) {
            r = r.withLogSigmaShare(logSigmaShare);
        }
        if (fftSizes != null) {
            r = r.withFftSizes(fftSizes);
        }
        Trainer t = new Trainer(dir, r, state.resolve("weights.safetensors"), p.weightNormed(), target);
        t.restore(state.resolve("optimizer.safetensors"), p);
        return t;
    }

    public TrainingProgress progress() {
        return new TrainingProgress(recipe, aeStep, ditStep, weights.weightNormed());
    }

    public Map<String, NDArray> parameters() {
        return weights.parameters();
    }

    /**
     * Runs the remaining steps of both phases, checkpointing every {@code recipe.checkpointEvery()} steps, until
     * done, until the listener declines to go on after a checkpoint, or until it asks to stop now (after any step:
     * a checkpoint is saved there first).
     */
    public void run(TrainingListener listener) throws IOException {
        while (aeStep < recipe.autoencoderSteps()) {
            double loss = autoencoderStep();
            listener.step(AE_PHASE, aeStep, recipe.autoencoderSteps(), loss,
                    recipe.learningRate(recipe.autoencoderSteps()).at(aeStep - 1));
            boolean stop = listener.stopNow();
            if (stop || aeStep % recipe.checkpointEvery() == 0 || aeStep == recipe.autoencoderSteps()) {
                save();
                listener.checkpoint(dir, AE_PHASE, aeStep);
                if (stop || !listener.keepGoing()) {
                    return;
                }
            }
        }
        if (ditStep < recipe.diffusionSteps() && config.model().pretransform().scale() == null
                && latentAutoencoder == pipeline.autoencoder()) {
            adoptAutoencoderAverage();
            double scale = measureLatentScale(LATENT_SCALE_BATCHES);
            listener.latentScale(scale);
        }
        while (ditStep < recipe.diffusionSteps()) {
            double loss = diffusionStep();
            listener.step(DIT_PHASE, ditStep, recipe.diffusionSteps(), loss,
                    recipe.diffusionLearningRate(recipe.diffusionSteps()).at(ditStep - 1));
            boolean stop = listener.stopNow();
            if (stop || ditStep % recipe.checkpointEvery() == 0 || ditStep == recipe.diffusionSteps()) {
                save();
                listener.checkpoint(dir, DIT_PHASE, ditStep);
                if (stop) {
                    return;
                }
                listener.conditioning(ditStep, conditioningCheck(CONDITIONING_CHECK_BATCHES));
                if (!listener.keepGoing()) {
                    return;
                }
            }
        }
    }

    /**
     * One autoencoder step: reconstruct a batch through the VAE; returns the loss. Once the diffusion phase has
     * begun the encoder stays frozen and only the decoder learns (as the reference's {@code encoder_freeze_on_warmup}
     * does): the latents, and with them the diffusion model trained on them and the latent scale, stay valid, so a
     * run can go back to polish its decoder, e.g. with a longer FFT in the loss for pitch.
     */
    public double autoencoderStep() {
        Map<String, NDArray> trained = decoderOnly() ? decoderParams : aeParams;
        double loss = optimise(this::autoencoderLoss, aeStep, aeOptimizer, trained, aeEma,
                recipe.learningRate(recipe.autoencoderSteps()).at(aeStep));
        aeStep++;
        return loss;
    }

    /** Whether autoencoder steps train the decoder only: once a diffusion model has learnt the latents. */
    public boolean decoderOnly() {
        return ditStep > 0;
    }

    /** The autoencoder loss of training batch {@code index} with the current weights, changing nothing. */
    public double autoencoderLoss(long index) {
        return evaluate(this::autoencoderLoss, index);
    }

    /** A loss of training batch {@code index}, built in the step's manager. */
    private interface Loss {
        NDArray of(long index, NDManager step);
    }

    // one optimiser step on a loss: gradients, AdamW with the clip, then the EMA; returns the loss
    private double optimise(Loss loss, long index, AdamW optimizer, Map<String, NDArray> params,
                            ExponentialMovingAverage ema, double learningRate) {
        double lossValue = backward(loss, index);
        optimizer.update(params, learningRate, MAX_GRAD_NORM);
        ema.update(params, index);
        return lossValue;
    }

    /**
     * The gradient of autoencoder loss {@code index} for every autoencoder parameter, by key, with the weights
     * left as they are and the accumulated gradients cleared: what a step would be computed from (for checks).
     */
    Map<String, float[]> autoencoderGradients(long index) {
        backward(this::autoencoderLoss, index);
        Map<String, float[]> gradients = new LinkedHashMap<>();
        aeParams.forEach((key, p) -> {
            try (NDArray g = p.getGradient()) {
                gradients.put(key, g.toFloatArray());
                g.muli(0);
            }
        });
        return gradients;
    }

    // the loss of batch index, its gradient accumulated into the parameters
    private double backward(Loss loss, long index) {
        try (NDManager step = target.newManager()) {
            homeIn(step);
            try (GradientCollector gc = Engine.getEngine("PyTorch").newGradientCollector()) {
                NDArray value = loss.of(index, step);
                gc.backward(value);
                return value(value);
            }
        }
    }

    private double evaluate(Loss loss, long index) {
        try (NDManager step = target.newManager()) {
            homeIn(step);
            return value(loss.of(index, step));
        }
    }

    // multi-resolution STFT reconstruction + KL to N(0, 1), the VAE's noise drawn from the batch index
    private NDArray autoencoderLoss(long index, NDManager step) {
        AudioAutoencoder ae = pipeline.autoencoder();
        int samples = clipSamples(recipe.clipSeconds() / 2);
        NDArray audio = batches.batch(index, 0, samples, step).audio();
        NDArray noise = gaussian(step, new SplittableRandom(recipe.seed() * 7919 + index),
                recipe.batchSize(), ae.latentDim(), samples / ae.downsamplingRatio());
        NDArray encoded = ae.encoder().forward(audio);
        if (decoderOnly()) {
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

    /**
     * One diffusion step with the v-objective: latents of a batch (frozen autoencoder), t in (0, 1) (uniform, or
     * partly log-σ uniform: {@link #timestep}),
     * x_t = cos(πt/2)·x + sin(πt/2)·ε, target v = cos(πt/2)·ε − sin(πt/2)·x; the prompt conditioning of each
     * example is zeroed with probability {@code cfgDropout} — the unconditional input that guidance uses.
     */
    public double diffusionStep() {
        double loss = optimise(this::diffusionLoss, ditStep, ditOptimizer, ditParams, ditEma,
                recipe.diffusionLearningRate(recipe.diffusionSteps()).at(ditStep));
        ditStep++;
        return loss;
    }

    /** The diffusion loss of training batch {@code index} (its noise, t and dropout) with the current weights. */
    public double diffusionLoss(long index) {
        return evaluate(this::diffusionLoss, index);
    }

    private NDArray diffusionLoss(long index, NDManager step) {
        // stages from short to longer context: half the clip for the first steps (half of them, as standard)
        double seconds = index < recipe.shortClipSteps() ? recipe.clipSeconds() / 2 : recipe.clipSeconds();
        SplittableRandom rng = new SplittableRandom(recipe.seed() * 104729 + index);
        TrainingBatches.Batch batch = batches.batch(index, DIT_EXAMPLES_OFFSET, clipSamples(seconds), step);
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
        SamplingDefaults sampling = pipeline.defaults();
        float[] t = new float[b];
        float[] keep = new float[b];
        for (int i = 0; i < b; i++) {
            t[i] = (float) timestep(rng, logSigmaShare, sampling.sigmaMin(), sampling.sigmaMax());
            keep[i] = rng.nextDouble() < dropout ? 0f : 1f;
        }
        NDArray tArr = step.create(t);
        NDArray alpha = tArr.mul(Math.PI / 2).cos().reshape(b, 1, 1);
        NDArray sigma = tArr.mul(Math.PI / 2).sin().reshape(b, 1, 1);
        NDArray noise = gaussian(step, rng, b, ae.latentDim(), frames);
        NDArray noised = latents.mul(alpha).add(noise.mul(sigma));
        NDArray velocity = noise.mul(alpha).sub(latents.mul(sigma));
        Conditioning cond = pipeline.condition(batch.prompts(), 0, seconds, step);
        NDArray tokens = cond.crossAttnTokens() == null ? null
                : cond.crossAttnTokens().mul(step.create(keep).reshape(b, 1, 1));
        Conditioning dropped = new Conditioning(tokens, cond.crossAttnMask(), cond.globalCond());
        NDArray v = pipeline.transformer().bind(dropped, null, 1.0, step).apply(noised, tArr);
        return v.sub(velocity).square().mean();
    }

    /**
     * Sets the autoencoder's trained weights to their EMA, which is what the exported model ships: the diffusion
     * model must learn the latents of the autoencoder it will be decoded by, and after a short autoencoder phase the
     * average still differs from the last step's weights.
     */
    void adoptAutoencoderAverage() {
        aeEma.weights().forEach((k, average) -> {
            NDArray p = aeParams.get(k);
            if (p != null) {
                p.muli(0).addi(average);
            }
        });
    }

    /**
     * Sets the pretransform {@code scale} so that the diffusion model sees unit-variance latents: the standard
     * deviation of the (frozen) autoencoder's latents over {@code batches} training batches, measured before the
     * diffusion phase and written into the run's {@code model_config.json}, which the runtime and the reference
     * divide latents by. Returns the scale.
     */
    public double measureLatentScale(int count) throws IOException {
        AudioAutoencoder ae = pipeline.autoencoder();
        double sum = 0;
        double sumSquares = 0;
        long n = 0;
        for (int i = 0; i < count; i++) {
            try (NDManager step = target.newManager()) {
                NDArray audio = batches.batch(i, DIT_EXAMPLES_OFFSET, clipSamples(recipe.clipSeconds()), step).audio();
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
            throw new IllegalStateException("the autoencoder's latents have no spread (std " + std + "): train it first");
        }
        writeScale(dir.resolve("model_config.json"), std);
        latentAutoencoder = new AudioAutoencoder(ae.encoder(), ae.decoder(), ae.bottleneck(), ae.latentDim(),
                ae.downsamplingRatio(), std);
        return std;
    }

    // model.pretransform.scale in the config file, everything else in it kept as written
    static void writeScale(Path configFile, double scale) throws IOException {
        com.fasterxml.jackson.databind.node.ObjectNode root =
                (com.fasterxml.jackson.databind.node.ObjectNode) ModelConfig.JSON.readTree(configFile.toFile());
        com.fasterxml.jackson.databind.JsonNode pretransform = root.path("model").path("pretransform");
        if (!(pretransform instanceof com.fasterxml.jackson.databind.node.ObjectNode p)) {
            throw new CheckpointException(configFile + ": no model.pretransform to set the latent scale in");
        }
        p.put("scale", scale);
        ModelConfig.JSON.writerWithDefaultPrettyPrinter().writeValue(configFile.toFile(), root);
    }

    /** Diffusion loss on validation clips with and without the prompt: the gap is what the conditioning is worth. */
    public record ConditioningCheck(double conditioned, double unconditioned) {
    }

    /**
     * The v-objective loss of the current (raw) weights on {@code batches} validation batches, each once with its
     * prompts and once with the conditioning dropped as in training; same clips, noise and t for both.
     */
    public ConditioningCheck conditioningCheck(int count) {
        double with = 0;
        double without = 0;
        for (int i = 0; i < count; i++) {
            try (NDManager step = target.newManager()) {
                homeIn(step);
                TrainingBatches.Batch batch = batches.validationBatch(i, clipSamples(recipe.clipSeconds()), step);
                // t uniform whatever the recipe draws, so that runs with other noise-level draws compare
                with += value(vLoss(batch, recipe.clipSeconds(), new SplittableRandom(VALIDATION_SEED + i), 0.0, 0.0,
                        step));
                without += value(vLoss(batch, recipe.clipSeconds(), new SplittableRandom(VALIDATION_SEED + i), 1.0, 0.0,
                        step));
            }
        }
        return new ConditioningCheck(with / count, without / count);
    }

    private static double value(NDArray scalar) {
        return scalar.toType(ai.djl.ndarray.types.DataType.FLOAT64, false).getDouble();
    }

    // every op whose left operand is a weight puts its result in the weight's manager: lend the weights to the
    // step's manager so those results are freed with it (they return home when it closes)
    private void homeIn(NDManager step) {
        for (NDArray p : weights.parameters().values()) {
            p.tempAttach(step);
        }
    }

    private int clipSamples(double seconds) {
        int ratio = pipeline.autoencoder().downsamplingRatio();
        long frames = Math.max(1, Math.round(seconds * config.sampleRate() / ratio));
        return Math.toIntExact(frames * ratio);
    }

    private static NDArray gaussian(NDManager m, SplittableRandom rng, long... shape) {
        long n = 1;
        for (long d : shape) {
            n *= d;
        }
        float[] data = new float[Math.toIntExact(n)];
        for (int i = 0; i < data.length; i++) {
            // Box–Muller from the run's own seeded stream: the same on every machine and on resume
            double u = 1 - rng.nextDouble();
            data[i] = (float) (Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rng.nextDouble()));
        }
        return m.create(data, new Shape(shape));
    }

    /** Writes the model folder (EMA weights where averaged) and the full training state. */
    public void save() throws IOException {
        Path state = dir.resolve(STATE_DIR);
        Files.createDirectories(state);
        Map<String, NDArray> averaged = new LinkedHashMap<>(aeEma.weights());
        averaged.putAll(ditEma.weights());
        weights.save(state.resolve("weights.safetensors"), Map.of(), false);
        Map<String, NDArray> opt = new LinkedHashMap<>();
        aeOptimizer.state().forEach((k, a) -> opt.put("ae." + k, a));
        ditOptimizer.state().forEach((k, a) -> opt.put("dit." + k, a));
        averaged.forEach((k, a) -> opt.put("ema." + k, a));
        Map<String, long[]> shapes = new LinkedHashMap<>();
        opt.forEach((k, a) -> shapes.put(k, a.getShape().getShape()));
        SafetensorsWriter.write(state.resolve("optimizer.safetensors"), shapes, k -> opt.get(k).toFloatArray());
        ModelConfig.JSON.writerWithDefaultPrettyPrinter().writeValue(state.resolve("progress.json").toFile(), progress());
        weights.save(dir.resolve("model.safetensors"), averaged, true);
    }

    private void restore(Path optimizerFile, TrainingProgress p) {
        this.aeStep = p.autoencoderStep();
        this.ditStep = p.diffusionStep();
        Map<String, NDArray> ae = new LinkedHashMap<>();
        Map<String, NDArray> dit = new LinkedHashMap<>();
        Map<String, NDArray> aeAvg = new LinkedHashMap<>();
        Map<String, NDArray> ditAvg = new LinkedHashMap<>();
        NDManager home = weights.parameters().values().iterator().next().getManager();
        try (SafetensorsFile f = SafetensorsFile.open(optimizerFile)) {
            for (String k : f.keys()) {
                NDArray a;
                try (NDArray stored = f.load(home, k, null)) {
                    a = stored.duplicate();
                }
                if (k.startsWith("ae.")) {
                    ae.put(k.substring(3), a);
                } else if (k.startsWith("dit.")) {
                    dit.put(k.substring(4), a);
                } else if (k.startsWith("ema.")) {
                    String key = k.substring(4);
                    (key.startsWith(AE_PREFIX) ? aeAvg : ditAvg).put(key, a);
                }
            }
        }
        aeOptimizer.restore(ae, aeStep, home);
        ditOptimizer.restore(dit, ditStep, home);
        aeEma.restore(aeAvg);
        ditEma.restore(ditAvg);
    }

    @Override
    public void close() {
        pipeline.close();
    }
}
