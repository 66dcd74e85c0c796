package dev.longplay.models.training;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.longplay.models.conditioning.PromptTempo;
import dev.longplay.models.config.ModelConfig;
import dev.longplay.models.weights.CheckpointException;
import dev.longplay.models.weights.SafetensorsFile;
import dev.longplay.models.weights.SafetensorsWriter;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Adds a tempo number conditioner to a model config: a {@code "number"} conditioner with id
 * {@value PromptTempo#CONDITIONER_ID} over 0–{@value #MAX_BPM} BPM, appended to the diffusion model's cross-attention
 * conditioning (one more token beside the prompt's and the seconds', so a trained DiT's weights keep their shapes).
 * The runtime fills it from each prompt ({@link PromptTempo}); the reference reads the same config and takes the
 * value from the conditioning dict's {@code "bpm"}.
 */
final class TempoConditionerConfig {

    static final int MAX_BPM = 240;

    /** The conditioner's weights in a checkpoint: what a fine-tune adding it starts at random. */
    static final String CHECKPOINT_PREFIX = "conditioner.conditioners." + PromptTempo.CONDITIONER_ID + ".";

    /** The learned Fourier features' frequencies (cycles over 0–{@value #MAX_BPM} BPM), one per sin/cos pair. */
    static final String FREQUENCIES_KEY = CHECKPOINT_PREFIX + "embedder.embedding.0.weights";

    /** The lowest and highest starting frequency, in cycles over 0–{@value #MAX_BPM} BPM. */
    static final double LOWEST_CYCLES = 0.25;
    static final double HIGHEST_CYCLES = 60;

    private TempoConditionerConfig() {
    }

    /** {@code modelConfig} with the tempo conditioner added; refused where it has one already. */
    static byte[] addTo(byte[] modelConfig) throws IOException {
        JsonNode root = ModelConfig.JSON.readTree(modelConfig);
        JsonNode model = root.path("model");
        if (!(model.path("conditioning").path("configs") instanceof ArrayNode configs)
                || !(model.path("diffusion") instanceof ObjectNode diffusion)) {
            throw new CheckpointException("the model config has no conditioning list or diffusion model to add a"
                    + " tempo conditioner to");
        }
        for (JsonNode c : configs) {
            if (PromptTempo.CONDITIONER_ID.equals(c.path("id").asText())) {
                throw new IllegalArgumentException("the model already conditions on '" + PromptTempo.CONDITIONER_ID
                        + "'");
            }
        }
        ObjectNode tempo = configs.addObject();
        tempo.put("id", PromptTempo.CONDITIONER_ID);
        tempo.put("type", "number");
        tempo.putObject("config").put("min_val", 0).put("max_val", MAX_BPM);
        JsonNode ids = diffusion.path("cross_attention_cond_ids");
        ArrayNode cross = ids instanceof ArrayNode a ? a : diffusion.putArray("cross_attention_cond_ids");
        cross.add(PromptTempo.CONDITIONER_ID);
        return ModelConfig.JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(root);
    }

    /**
     * Starting frequencies for the tempo's Fourier features, spread geometrically from {@value #LOWEST_CYCLES} to
     * {@value #HIGHEST_CYCLES} cycles over the range. The reference draws them from N(0, 1), a few cycles over
     * 0–240 BPM at most: one BPM then turns no feature by more than a twentieth of a radian, and a DiT must first
     * learn those frequencies up before it can tell 97 from 100. At 60 cycles one BPM turns the highest pair by a
     * quarter turn, so neighbouring tempos are apart from the first step and still vary smoothly between trained
     * integers. They stay learnable, and the checkpoint keeps the reference's layout.
     */
    static float[] spreadFrequencies(int count) {
        float[] w = new float[count];
        for (int i = 0; i < count; i++) {
            double t = count == 1 ? 1 : (double) i / (count - 1);
            w[i] = (float) (LOWEST_CYCLES * Math.pow(HIGHEST_CYCLES / LOWEST_CYCLES, t));
        }
        return w;
    }

    /** Rewrites {@code checkpoint} with the tempo conditioner's frequencies set to {@link #spreadFrequencies}. */
    static void spreadFrequenciesIn(Path checkpoint) throws IOException {
        Map<String, long[]> shapes = new LinkedHashMap<>();
        Path rewritten = checkpoint.resolveSibling(checkpoint.getFileName() + ".tempo");
        try (SafetensorsFile file = SafetensorsFile.open(checkpoint);
             NDManager m = NDManager.newBaseManager(Device.cpu())) {
            for (String k : file.keys()) {
                shapes.put(k, file.shape(k));
            }
            long[] shape = shapes.get(FREQUENCIES_KEY);
            if (shape == null || shape.length != 1) {
                throw new CheckpointException(checkpoint + " has no tempo conditioner frequencies " + FREQUENCIES_KEY);
            }
            SafetensorsWriter.write(rewritten, shapes, k -> {
                if (k.equals(FREQUENCIES_KEY)) {
                    return spreadFrequencies(Math.toIntExact(shape[0]));
                }
                try (NDArray a = file.load(m, k, DataType.FLOAT32)) {
                    return a.toFloatArray();
                }
            });
        }
        Files.move(rewritten, checkpoint, StandardCopyOption.REPLACE_EXISTING);
    }
}
