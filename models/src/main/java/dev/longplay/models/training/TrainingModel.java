package dev.longplay.models.training;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import dev.longplay.models.dataset.PromptVocabulary;
import dev.longplay.models.nn.ComputeTarget;
import dev.longplay.models.pipeline.StableAudioPipeline;
import dev.longplay.models.weights.ModelFiles;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.function.Predicate;

/**
 * The model a run trains, as both phases share it: the runtime's pipeline built on {@link TrainableWeights} (so
 * every layer it builds is a trainable layer), the run's batches, and the mechanics of computing a loss with or
 * without its gradient. Training runs in fp32.
 */
final class TrainingModel implements AutoCloseable {

    /** A loss of training batch {@code index}, built in the step's manager. */
    interface Loss {
        NDArray of(long index, NDManager step);
    }

    private final ComputeTarget target;
    private final StableAudioPipeline pipeline;
    private final TrainableWeights weights;
    private final TrainingBatches batches;

    /**
     * Loads the model folder {@code dir} with its weights from {@code weightsFile} ({@code weightNormed}: the keys
     * saved plainly there that are weight-norm pairs in the official layout); the batches are worded in the
     * folder's own tokenizer's vocabulary, so a run begun before V2 resumes on the same batches.
     */
    TrainingModel(Path dir, Path weightsFile, Set<String> weightNormed, ComputeTarget target, TrainingRecipe recipe) {
        if (target.isReduced() || target.int8Dit()) {
            throw new IllegalArgumentException("training runs in fp32 (" + target.describe() + " was asked for)");
        }
        this.target = target;
        TrainableWeights[] opened = new TrainableWeights[1];
        ModelFiles base = ModelFiles.in(dir);
        this.pipeline = StableAudioPipeline.load(new ModelFiles(dir, base.config(), weightsFile), "training", target,
                file -> opened[0] = new TrainableWeights(file, weightNormed));
        this.weights = opened[0];
        this.batches = new TrainingBatches(recipe.datasetSeed(), pipeline.config().sampleRate(),
                pipeline.config().audioChannels(), recipe.batchSize(), PromptVocabulary.of(dir));
    }

    StableAudioPipeline pipeline() {
        return pipeline;
    }

    TrainableWeights weights() {
        return weights;
    }

    TrainingBatches batches() {
        return batches;
    }

    /** The parameters whose keys {@code owned} accepts, in the checkpoint's order (the order steps sum them in). */
    Map<String, NDArray> parameters(Predicate<String> owned) {
        Map<String, NDArray> selected = new LinkedHashMap<>();
        weights.parameters().forEach((k, p) -> {
            if (owned.test(k)) {
                selected.put(k, p);
            }
        });
        return selected;
    }

    /** The loss of batch {@code index}, its gradient accumulated into the parameters. */
    double backward(Loss loss, long index) {
        try (NDManager step = newStep()) {
            try (GradientCollector gc = Engine.getEngine("PyTorch").newGradientCollector()) {
                NDArray value = loss.of(index, step);
                gc.backward(value);
                return value(value);
            }
        }
    }

    /** The loss of batch {@code index} with the current weights, changing nothing. */
    double evaluate(Loss loss, long index) {
        try (NDManager step = newStep()) {
            return value(loss.of(index, step));
        }
    }

    /**
     * A manager for one step's arrays. Every op whose left operand is a weight puts its result in the weight's
     * manager: the weights are lent to the step's manager so those results are freed with it (they return home
     * when it closes).
     */
    NDManager newStep() {
        NDManager step = target.newManager();
        for (NDArray p : weights.parameters().values()) {
            p.tempAttach(step);
        }
        return step;
    }

    /** A manager on the run's device for arrays that touch no weight. */
    NDManager newScratch() {
        return target.newManager();
    }

    /** The samples of a clip of about {@code seconds}: a whole number of latent frames. */
    int clipSamples(double seconds) {
        int ratio = pipeline.autoencoder().downsamplingRatio();
        long frames = Math.max(1, Math.round(seconds * pipeline.config().sampleRate() / ratio));
        return Math.toIntExact(frames * ratio);
    }

    static double value(NDArray scalar) {
        return scalar.toType(DataType.FLOAT64, false).getDouble();
    }

    static NDArray gaussian(NDManager m, SplittableRandom rng, long... shape) {
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

    @Override
    public void close() {
        pipeline.close();
    }
}
