package dev.longplay.models.config;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;

import java.util.List;

/** {@code model.diffusion}: the denoising network, its objective and which conditioners feed it how. */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
@JsonIgnoreProperties(ignoreUnknown = true)
public record DiffusionConfig(String type, String diffusionObjective, List<String> crossAttentionCondIds,
                              List<String> globalCondIds, List<String> inputConcatIds,
                              List<String> prependCondIds, JsonNode config) {

    /** "v" unless the config names another objective (SAO small: "rf_denoiser"). */
    public String objective() {
        return diffusionObjective == null ? "v" : diffusionObjective;
    }

    public List<String> crossAttentionIds() {
        return crossAttentionCondIds == null ? List.of() : crossAttentionCondIds;
    }

    public List<String> globalIds() {
        return globalCondIds == null ? List.of() : globalCondIds;
    }

    public List<String> inputConcatIdsOrEmpty() {
        return inputConcatIds == null ? List.of() : inputConcatIds;
    }
}
