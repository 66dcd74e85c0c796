package dev.longplay.models.training;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.longplay.models.conditioning.PromptTempo;
import dev.longplay.models.config.ModelConfig;
import dev.longplay.models.weights.CheckpointException;

import java.io.IOException;

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
}
