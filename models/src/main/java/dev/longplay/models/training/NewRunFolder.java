package dev.longplay.models.training;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.longplay.models.autoencoder.AudioAutoencoder;
import dev.longplay.models.config.ModelConfig;
import dev.longplay.models.pipeline.SamplingDefaults;
import dev.longplay.models.pipeline.SyntheticModel;
import dev.longplay.models.weights.CheckpointException;
import dev.longplay.models.weights.ModelFiles;
import dev.longplay.models.weights.SafetensorsFile;
import dev.longplay.models.weights.SafetensorsWriter;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Writes the model folder a new run starts from, in the way its {@link TrainingStart} says. */
final class NewRunFolder {

    private static final String AUTOENCODER_PREFIX = AudioAutoencoder.CHECKPOINT_PREFIX + ".";

    private NewRunFolder() {
    }

    /** Writes the model folder of {@code start} into its {@code dir}, which must not hold a run. */
    static void write(TrainingStart start) throws IOException {
        Path dir = start.dir();
        if (RunFolder.holdsRun(dir)) {
            throw new IllegalStateException(dir + " already holds a training run: resume it instead");
        }
        long seed = start.recipe().seed();
        if (start.initFrom() != null) {
            writeFineTune(dir, start.recipe(), start.initFrom(), start.tokenizer(), start.added());
        } else if (start.autoencoderFrom() != null) {
            ModelFiles source = safetensorsModel(start.autoencoderFrom());
            SyntheticModel.write(dir, withPretransformOf(modelConfig(start), source.config()),
                    start.textEncoderConfig(), start.tokenizer(), seed, true);
            copyTensors(source.checkpoint(), dir.resolve("model.safetensors"), AUTOENCODER_PREFIX, List.of());
        } else {
            SyntheticModel.write(dir, modelConfig(start), start.textEncoderConfig(), start.tokenizer(), seed, true);
        }
        if (start.added().contains(AddedConditioner.TEMPO)) {
            TempoConditionerConfig.spreadFrequenciesIn(dir.resolve("model.safetensors"));
        }
    }

    private static byte[] modelConfig(TrainingStart start) throws IOException {
        return withAdded(start.modelConfig(), start.added());
    }

    private static byte[] withAdded(byte[] config, Set<AddedConditioner> added) throws IOException {
        for (AddedConditioner c : added) {
            config = c.addTo(config);
        }
        return config;
    }

    /**
     * The config, shipped (averaged) weights, text encoder, tokenizer and sampling defaults of the trained model
     * folder {@code model}; with autoencoder steps in the recipe, the config without its latent scale, which the
     * diffusion phase then measures again (the latents the diffusion model knew will move). A {@code newTokenizer}
     * (null to keep the model's) replaces the model's, the text encoder's embedding moved onto it. With
     * {@code added} conditioners, the config gains them and their weights start at random.
     */
    private static void writeFineTune(Path dir, TrainingRecipe recipe, Path model, byte[] newTokenizer,
                                      Set<AddedConditioner> added) throws IOException {
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
        config = withAdded(config, added);
        byte[] modelTokenizer = Files.readAllBytes(tokenizer);
        if (newTokenizer != null) {
            VocabularyTransfer.check(textEncoder.resolve("model.safetensors"), modelTokenizer, newTokenizer);
        }
        SyntheticModel.write(dir, config, Files.readAllBytes(textEncoder.resolve("config.json")),
                newTokenizer != null ? newTokenizer : modelTokenizer, recipe.seed(), true);
        Path encoderWeights = dir.resolve("text_encoder/model.safetensors");
        Files.copy(textEncoder.resolve("model.safetensors"), encoderWeights, StandardCopyOption.REPLACE_EXISTING);
        if (newTokenizer != null) {
            VocabularyTransfer.apply(encoderWeights, modelTokenizer, newTokenizer);
        }
        Path defaults = source.dir().resolve(SamplingDefaults.FILE);
        if (Files.isRegularFile(defaults)) {
            Files.copy(defaults, dir.resolve(defaults.getFileName()));
        }
        copyTensors(source.checkpoint(), dir.resolve("model.safetensors"), "",
                added.stream().map(AddedConditioner::checkpointPrefix).toList());
    }

    // a trained model folder whose weights are model.safetensors, the only format a run copies tensors from
    private static ModelFiles safetensorsModel(Path model) {
        ModelFiles source = ModelFiles.in(model);
        if (!source.checkpoint().getFileName().toString().endsWith(".safetensors")) {
            throw new CheckpointException(model + ": a run starts from a model's model.safetensors");
        }
        return source;
    }

    /** The config without {@code model.pretransform.scale}, so that the diffusion phase measures it again. */
    static byte[] withoutLatentScale(byte[] modelConfig) throws IOException {
        JsonNode root = ModelConfig.JSON.readTree(modelConfig);
        if (root.path("model").path("pretransform") instanceof ObjectNode p) {
            p.remove("scale");
        }
        return ModelConfig.JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(root);
    }

    // the new config with the source's pretransform; the audio format and the diffusion model's width must agree
    private static byte[] withPretransformOf(byte[] modelConfig, Path sourceConfig) throws IOException {
        JsonNode read = ModelConfig.JSON.readTree(modelConfig);
        JsonNode source = ModelConfig.JSON.readTree(sourceConfig.toFile());
        if (!(read instanceof ObjectNode root) || !(root.path("model") instanceof ObjectNode model)) {
            throw new CheckpointException("the new run's model_config.json has no \"model\" object");
        }
        JsonNode pretransform = source.path("model").path("pretransform");
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

    // rewrites target with every tensor under prefix taken from source (same keys and shapes required), except those
    // under added (a part the source does not have, which keeps target's fresh weights; null: none)
    private static void copyTensors(Path source, Path target, String prefix, List<String> added) throws IOException {
        Map<String, long[]> shapes = new LinkedHashMap<>();
        try (SafetensorsFile from = SafetensorsFile.open(source); SafetensorsFile to = SafetensorsFile.open(target);
             NDManager m = NDManager.newBaseManager(Device.cpu())) {
            for (String k : to.keys()) {
                shapes.put(k, to.shape(k));
                if (added.stream().anyMatch(k::startsWith)) {
                    if (from.contains(k)) {
                        throw new CheckpointException(source + " already has " + k);
                    }
                    continue;
                }
                if (k.startsWith(prefix) && (!from.contains(k) || !Arrays.equals(from.shape(k), to.shape(k)))) {
                    throw new CheckpointException(source + ": tensor " + k
                            + " is missing or has another shape than its config gives");
                }
            }
            Path merged = target.resolveSibling(target.getFileName() + ".merged");
            SafetensorsWriter.write(merged, shapes, k -> {
                boolean copied = k.startsWith(prefix) && added.stream().noneMatch(k::startsWith);
                try (NDArray a = (copied ? from : to).load(m, k, DataType.FLOAT32)) {
                    return a.toFloatArray();
                }
            });
            Files.move(merged, target, StandardCopyOption.REPLACE_EXISTING);
        }
    }
}
