package dev.longplay.models.training;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.longplay.models.nn.ComputeTarget;

import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * Trains a Stable Audio-shaped model through the runtime's own loaders and forward code: the
 * {@link AutoencoderPhase} first, then the {@link DiffusionPhase} on the frozen autoencoder's latents (its latent
 * scale measured in between), checkpointing into the {@link RunFolder}, from which {@link #resume} continues
 * exactly.
 */
public final class Trainer implements AutoCloseable {

    private static final int LATENT_SCALE_BATCHES = 8;
    private static final int CONDITIONING_CHECK_BATCHES = 2;

    private final RunFolder folder;
    private final TrainingRecipe recipe;
    private final TrainingModel model;
    private final AutoencoderPhase autoencoder;
    private final DiffusionPhase diffusion;

    private Trainer(RunFolder folder, TrainingRecipe recipe, Path weightsFile, Set<String> weightNormed,
                    ComputeTarget target) {
        this.folder = folder;
        this.recipe = recipe;
        this.model = new TrainingModel(folder.dir(), weightsFile, weightNormed, target, recipe);
        try {
            this.diffusion = new DiffusionPhase(model, recipe);
            this.autoencoder = new AutoencoderPhase(model, recipe, this::decoderOnly);
        } catch (RuntimeException e) {
            model.close();
            throw e;
        }
    }

    /** Starts the run {@code start} describes and saves its first checkpoint (step 0 of both phases). */
    public static Trainer start(TrainingStart start) throws IOException {
        NewRunFolder.write(start);
        RunFolder folder = new RunFolder(start.dir());
        // a run on another model's autoencoder skips the autoencoder phase
        TrainingRecipe recipe = start.autoencoderFrom() == null ? start.recipe()
                : start.recipe().withSteps(0, start.recipe().diffusionSteps());
        Trainer t = new Trainer(folder, recipe, start.dir().resolve("model.safetensors"), Set.of(), start.target());
        if (start.initFrom() == null && start.autoencoderFrom() == null) {
            t.autoencoder.startWithQuietLatentNoise();
        }
        t.save();
        return t;
    }

    /** Continues the run saved in the folder of {@code resume}, with the changes it asks for. */
    public static Trainer resume(TrainingResume resume) throws IOException {
        RunFolder folder = new RunFolder(resume.dir());
        TrainingProgress p = folder.progress();
        Trainer t = new Trainer(folder, resume.applyTo(p.recipe()), folder.weightsFile(), p.weightNormed(),
                resume.target());
        try {
            t.restore(p);
        } catch (RuntimeException e) {
            t.close();
            throw e;
        }
        return t;
    }

    private void restore(TrainingProgress p) {
        NDManager home = model.weights().parameters().values().iterator().next().getManager();
        RunFolder.OptimizerState saved = folder.optimizerState(home);
        Map<String, NDArray> autoencoderAverages = new LinkedHashMap<>();
        Map<String, NDArray> diffusionAverages = new LinkedHashMap<>();
        saved.averages().forEach((k, a) ->
                (AutoencoderPhase.owns(k) ? autoencoderAverages : diffusionAverages).put(k, a));
        autoencoder.optimizer().restore(saved.autoencoderMoments(), autoencoderAverages, p.autoencoderStep(), home);
        diffusion.optimizer().restore(saved.diffusionMoments(), diffusionAverages, p.diffusionStep(), home);
    }

    public TrainingProgress progress() {
        return new TrainingProgress(recipe, autoencoder.optimizer().step(), diffusion.optimizer().step(),
                model.weights().weightNormed());
    }

    public Map<String, NDArray> parameters() {
        return model.weights().parameters();
    }

    /**
     * Runs the remaining steps of both phases, checkpointing every {@code recipe.checkpointEvery()} steps, until
     * done, until the listener declines to go on after a checkpoint, or until it asks to stop now (after any step:
     * a checkpoint is saved there first).
     */
    public void run(TrainingListener listener) throws IOException {
        while (autoencoder.optimizer().step() < recipe.autoencoderSteps()) {
            double loss = autoencoderStep();
            long step = autoencoder.optimizer().step();
            listener.step(AutoencoderPhase.NAME, step, recipe.autoencoderSteps(), loss,
                    recipe.learningRate(recipe.autoencoderSteps()).at(step - 1));
            boolean stop = listener.stopNow();
            if (stop || step % recipe.checkpointEvery() == 0 || step == recipe.autoencoderSteps()) {
                save();
                listener.checkpoint(folder.dir(), AutoencoderPhase.NAME, step);
                if (stop || !listener.keepGoing()) {
                    return;
                }
            }
        }
        if (diffusion.optimizer().step() < recipe.diffusionSteps()
                && model.pipeline().config().model().pretransform().scale() == null
                && !diffusion.measuredLatentScale()) {
            adoptAutoencoderAverage();
            listener.latentScale(measureLatentScale(LATENT_SCALE_BATCHES));
        }
        while (diffusion.optimizer().step() < recipe.diffusionSteps()) {
            double loss = diffusionStep();
            long step = diffusion.optimizer().step();
            listener.step(DiffusionPhase.NAME, step, recipe.diffusionSteps(), loss,
                    recipe.diffusionLearningRate(recipe.diffusionSteps()).at(step - 1));
            boolean stop = listener.stopNow();
            if (stop || step % recipe.checkpointEvery() == 0 || step == recipe.diffusionSteps()) {
                save();
                listener.checkpoint(folder.dir(), DiffusionPhase.NAME, step);
                if (stop) {
                    return;
                }
                listener.conditioning(step, conditioningCheck(CONDITIONING_CHECK_BATCHES));
                if (!listener.keepGoing()) {
                    return;
                }
            }
        }
    }

    /**
     * One autoencoder step: reconstruct a batch through the VAE; returns the loss. Once the diffusion phase has
     * begun only the decoder learns ({@link #decoderOnly()}): the latents, and with them the diffusion model
     * trained on them and the latent scale, stay valid, so a run can go back to polish its decoder, e.g. with a
     * longer FFT in the loss for pitch.
     */
    public double autoencoderStep() {
        return autoencoder.step();
    }

    /** Whether autoencoder steps train the decoder only: once a diffusion model has learnt the latents. */
    public boolean decoderOnly() {
        return diffusion.optimizer().step() > 0;
    }

    /** The autoencoder loss of training batch {@code index} with the current weights, changing nothing. */
    public double autoencoderLoss(long index) {
        return autoencoder.loss(index);
    }

    /** The gradients an autoencoder step on batch {@code index} would take, by key (for checks). */
    Map<String, float[]> autoencoderGradients(long index) {
        return autoencoder.gradients(index);
    }

    /** One diffusion step ({@link DiffusionPhase}); returns the loss. */
    public double diffusionStep() {
        return diffusion.step();
    }

    /** The diffusion loss of training batch {@code index} (its noise, t and dropout) with the current weights. */
    public double diffusionLoss(long index) {
        return diffusion.loss(index);
    }

    /** Sets the autoencoder's trained weights to their EMA, the autoencoder the exported model ships. */
    void adoptAutoencoderAverage() {
        autoencoder.adoptAverage();
    }

    /**
     * Sets the pretransform {@code scale} so that the diffusion model sees unit-variance latents: the standard
     * deviation of the (frozen) autoencoder's latents over {@code count} training batches, measured before the
     * diffusion phase and written into the run's {@code model_config.json}. Returns the scale.
     */
    public double measureLatentScale(int count) throws IOException {
        double scale = diffusion.latentSpread(count);
        folder.writeLatentScale(scale);
        diffusion.useLatentScale(scale);
        return scale;
    }

    /** Validation diffusion loss of the current (raw) weights on {@code count} batches, with and without prompts. */
    public ConditioningCheck conditioningCheck(int count) {
        return diffusion.conditioningCheck(count);
    }

    /** Writes the model folder (EMA weights where averaged) and the full training state. */
    public void save() throws IOException {
        folder.save(model.weights(), progress(), autoencoder.optimizer(), diffusion.optimizer());
    }

    @Override
    public void close() {
        model.close();
    }
}
