package dev.longplay.models.config;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import dev.longplay.models.weights.CheckpointException;

/** {@code model.pretransform}: always an autoencoder for Stable Audio models. */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
@JsonIgnoreProperties(ignoreUnknown = true)
public record PretransformConfig(String type, Boolean iterateBatch, Double scale, JsonNode config) {

    /** Latents are divided by this after encoding and multiplied before decoding (1.0 when absent). */
    public double scaleOrDefault() {
        return scale == null ? 1.0 : scale;
    }

    public AutoencoderConfig autoencoder() {
        try {
            return ModelConfig.JSON.treeToValue(config, AutoencoderConfig.class);
        } catch (Exception e) {
            throw new CheckpointException("invalid autoencoder config: " + e.getMessage(), e);
        }
    }
}
