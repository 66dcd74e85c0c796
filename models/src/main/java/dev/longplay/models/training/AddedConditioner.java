package dev.longplay.models.training;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.longplay.models.conditioning.PromptKey;
import dev.longplay.models.conditioning.PromptTempo;
import dev.longplay.models.config.ModelConfig;
import dev.longplay.models.weights.CheckpointException;

import java.io.IOException;

/**
 * A conditioner a run adds to a model, read from each prompt at training and at generation alike: one more
 * cross-attention token beside the prompt's and the seconds' (a trained DiT's weights keep their shapes), its own
 * weights starting at random where a fine-tune keeps every other.
 */
public enum AddedConditioner {
    /** The tempo as a number ({@link PromptTempo}): Fourier features over 0–{@value #MAX_BPM} BPM. */
    TEMPO(PromptTempo.CONDITIONER_ID, "number", 0, AddedConditioner.MAX_BPM),
    /** The key as a class ({@link PromptKey}): none, twelve major and twelve minor keys, a learned row each. */
    KEY(PromptKey.CONDITIONER_ID, "int", 0, PromptKey.MAX);

    static final int MAX_BPM = 240;

    private final String id;
    private final String type;
    private final int min;
    private final int max;

    AddedConditioner(String id, String type, int min, int max) {
        this.id = id;
        this.type = type;
        this.min = min;
        this.max = max;
    }

    public String id() {
        return id;
    }

    /** The conditioner's weights in a checkpoint: what a fine-tune adding it starts at random. */
    String checkpointPrefix() {
        return "conditioner.conditioners." + id + ".";
    }

    /** {@code modelConfig} with this conditioner added; refused where it has one of this id already. */
    byte[] addTo(byte[] modelConfig) throws IOException {
        JsonNode root = ModelConfig.JSON.readTree(modelConfig);
        JsonNode model = root.path("model");
        if (!(model.path("conditioning").path("configs") instanceof ArrayNode configs)
                || !(model.path("diffusion") instanceof ObjectNode diffusion)) {
            throw new CheckpointException("the model config has no conditioning list or diffusion model to add a '"
                    + id + "' conditioner to");
        }
        for (JsonNode c : configs) {
            if (id.equals(c.path("id").asText())) {
                throw new IllegalArgumentException("the model already conditions on '" + id + "'");
            }
        }
        ObjectNode added = configs.addObject();
        added.put("id", id);
        added.put("type", type);
        added.putObject("config").put("min_val", min).put("max_val", max);
        JsonNode ids = diffusion.path("cross_attention_cond_ids");
        ArrayNode cross = ids instanceof ArrayNode a ? a : diffusion.putArray("cross_attention_cond_ids");
        cross.add(id);
        return ModelConfig.JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(root);
    }
}
