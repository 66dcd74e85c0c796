package dev.longplay.models.training;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.longplay.models.config.ModelConfig;
import dev.longplay.models.weights.CheckpointException;
import dev.longplay.models.weights.SafetensorsFile;
import dev.longplay.models.weights.SafetensorsWriter;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The folder of a run, at all times a loadable model ({@code model_config.json}, {@code model.safetensors} with
 * the EMA weights, {@code text_encoder/}, {@code tokenizer/}) plus {@code training/} with what a resume continues
 * from: {@code weights.safetensors} (the raw weights), {@code optimizer.safetensors} (keys {@code ae.m.*},
 * {@code ae.v.*}, {@code dit.m.*}, {@code dit.v.*}: each phase's AdamW moments; {@code ema.*}: the averages of
 * both) and {@code progress.json} ({@link TrainingProgress}). Runs saved by earlier builds have this layout: it
 * must not change.
 */
public final class RunFolder {

    private static final String STATE_DIR = "training";
    private static final String AUTOENCODER_MOMENTS = "ae.";
    private static final String DIFFUSION_MOMENTS = "dit.";
    private static final String AVERAGES = "ema.";

    private final Path dir;

    RunFolder(Path dir) {
        this.dir = dir;
    }

    /** Whether {@code dir} holds a run (which a new run there must not overwrite). */
    public static boolean holdsRun(Path dir) {
        return Files.exists(dir.resolve(STATE_DIR));
    }

    Path dir() {
        return dir;
    }

    /** The raw training weights a resume loads. */
    Path weightsFile() {
        return state().resolve("weights.safetensors");
    }

    private Path state() {
        return dir.resolve(STATE_DIR);
    }

    /** The progress saved with the last checkpoint. */
    TrainingProgress progress() throws IOException {
        Path file = state().resolve("progress.json");
        if (!Files.isRegularFile(file)) {
            throw new CheckpointException("no training run in " + dir + " (missing " + file + ")");
        }
        return ModelConfig.JSON.readValue(file.toFile(), TrainingProgress.class);
    }

    /** Writes the training state, then the model ({@code averaged} weights where there are, raw ones elsewhere). */
    void save(TrainableWeights weights, TrainingProgress progress, PhaseOptimizer autoencoder,
              PhaseOptimizer diffusion) throws IOException {
        Files.createDirectories(state());
        Map<String, NDArray> averaged = new LinkedHashMap<>(autoencoder.averages());
        averaged.putAll(diffusion.averages());
        weights.save(weightsFile(), Map.of(), false);
        Map<String, NDArray> saved = new LinkedHashMap<>();
        autoencoder.moments().forEach((k, a) -> saved.put(AUTOENCODER_MOMENTS + k, a));
        diffusion.moments().forEach((k, a) -> saved.put(DIFFUSION_MOMENTS + k, a));
        averaged.forEach((k, a) -> saved.put(AVERAGES + k, a));
        Map<String, long[]> shapes = new LinkedHashMap<>();
        saved.forEach((k, a) -> shapes.put(k, a.getShape().getShape()));
        SafetensorsWriter.write(state().resolve("optimizer.safetensors"), shapes, k -> saved.get(k).toFloatArray());
        ModelConfig.JSON.writerWithDefaultPrettyPrinter()
                .writeValue(state().resolve("progress.json").toFile(), progress);
        weights.save(dir.resolve("model.safetensors"), averaged, true);
    }

    /** The optimizer state of the last checkpoint, its arrays in {@code home}. */
    record OptimizerState(Map<String, NDArray> autoencoderMoments, Map<String, NDArray> diffusionMoments,
                          Map<String, NDArray> averages) {
    }

    OptimizerState optimizerState(NDManager home) {
        OptimizerState s = new OptimizerState(new LinkedHashMap<>(), new LinkedHashMap<>(), new LinkedHashMap<>());
        try (SafetensorsFile f = SafetensorsFile.open(state().resolve("optimizer.safetensors"))) {
            for (String k : f.keys()) {
                NDArray a;
                try (NDArray stored = f.load(home, k, null)) {
                    a = stored.duplicate();
                }
                if (k.startsWith(AUTOENCODER_MOMENTS)) {
                    s.autoencoderMoments().put(k.substring(AUTOENCODER_MOMENTS.length()), a);
                } else if (k.startsWith(DIFFUSION_MOMENTS)) {
                    s.diffusionMoments().put(k.substring(DIFFUSION_MOMENTS.length()), a);
                } else if (k.startsWith(AVERAGES)) {
                    s.averages().put(k.substring(AVERAGES.length()), a);
                }
            }
        }
        return s;
    }

    /**
     * Sets {@code model.pretransform.scale} in the run's {@code model_config.json}, everything else in it kept as
     * written: the runtime and the reference divide latents by it.
     */
    void writeLatentScale(double scale) throws IOException {
        Path configFile = dir.resolve("model_config.json");
        ObjectNode root = (ObjectNode) ModelConfig.JSON.readTree(configFile.toFile());
        JsonNode pretransform = root.path("model").path("pretransform");
        if (!(pretransform instanceof ObjectNode p)) {
            throw new CheckpointException(configFile + ": no model.pretransform to set the latent scale in");
        }
        p.put("scale", scale);
        ModelConfig.JSON.writerWithDefaultPrettyPrinter().writeValue(configFile.toFile(), root);
    }
}
