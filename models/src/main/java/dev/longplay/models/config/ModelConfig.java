package dev.longplay.models.config;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import dev.longplay.models.weights.CheckpointException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * {@code model_config.json} in stable-audio-tools' schema. Only the parts Longplay runs are typed; each
 * component's own {@code config} object stays a {@link JsonNode} that the component parses into its record.
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
@JsonIgnoreProperties(ignoreUnknown = true)
public record ModelConfig(String modelType, long sampleSize, int sampleRate, int audioChannels, ModelSection model) {

    public static final ObjectMapper JSON = new ObjectMapper()
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record ModelSection(PretransformConfig pretransform, ConditioningConfig conditioning,
                               DiffusionConfig diffusion, Integer ioChannels) {
    }

    public static ModelConfig load(Path file) {
        String text;
        try {
            text = Files.readString(file);
        } catch (NoSuchFileException e) {
            throw new CheckpointException("missing file: " + file);
        } catch (IOException e) {
            throw new CheckpointException("cannot read " + file + ": " + e.getMessage(), e);
        }
        return parse(text, file.toString());
    }

    public static ModelConfig parse(String json, String source) {
        ModelConfig config;
        try {
            config = JSON.readValue(json, ModelConfig.class);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new CheckpointException("invalid model config " + source + ": " + e.getOriginalMessage(), e);
        }
        if (config == null) {
            throw new CheckpointException("invalid model config " + source + ": empty");
        }
        config.validate(source);
        return config;
    }

    private void validate(String source) {
        if (!"diffusion_cond".equals(modelType) && !"diffusion_cond_inpaint".equals(modelType)) {
            throw new CheckpointException("unknown model type '" + modelType + "' in " + source
                    + " (Longplay runs diffusion_cond and diffusion_cond_inpaint)");
        }
        if (model == null || model.pretransform() == null || model.diffusion() == null) {
            throw new CheckpointException("invalid model config " + source
                    + ": model.pretransform and model.diffusion are required");
        }
        if (sampleRate <= 0 || audioChannels <= 0 || sampleSize <= 0) {
            throw new CheckpointException("invalid model config " + source
                    + ": sample_rate, audio_channels and sample_size must be positive");
        }
        if (!"autoencoder".equals(model.pretransform().type())) {
            throw new CheckpointException("unknown pretransform type '" + model.pretransform().type() + "' in " + source);
        }
    }

    /** The autoencoder's config (the pretransform of every Stable Audio model). */
    public AutoencoderConfig autoencoder() {
        return model.pretransform().autoencoder();
    }

    /** Latent frames per second. */
    public double latentRate() {
        return (double) sampleRate / autoencoder().downsamplingRatio();
    }

    /** The longest clip one full-context pass makes, in seconds. */
    public double maxSeconds() {
        return (double) sampleSize / sampleRate;
    }

    public static JsonNode tree(Object value) {
        return JSON.valueToTree(value);
    }
}
