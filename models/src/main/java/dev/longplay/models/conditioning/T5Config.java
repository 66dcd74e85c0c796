package dev.longplay.models.conditioning;

import com.fasterxml.jackson.databind.JsonNode;
import dev.longplay.models.config.ModelConfig;
import dev.longplay.models.weights.CheckpointException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/** A T5 encoder's Hugging Face {@code config.json}, with the library's defaults where keys are absent. */
public record T5Config(int dModel, int dKv, int dFf, int numLayers, int numHeads, int relativeAttentionNumBuckets,
                       int relativeAttentionMaxDistance, boolean gatedGelu, float layerNormEpsilon, int vocabSize) {

    public static T5Config load(Path file) {
        JsonNode c;
        try {
            c = ModelConfig.JSON.readTree(Files.readString(file));
        } catch (NoSuchFileException e) {
            throw new CheckpointException("missing file: " + file + " (the T5 text encoder's config)");
        } catch (IOException e) {
            throw new CheckpointException("cannot read T5 config " + file + ": " + e.getMessage(), e);
        }
        String ff = c.path("feed_forward_proj").asText("relu");
        boolean gated = ff.startsWith("gated-");
        String act = gated ? ff.substring("gated-".length()) : ff;
        if (!act.equals("relu") && !act.equals("gelu") && !act.equals("gelu_new")) {
            throw new CheckpointException("unsupported T5 feed_forward_proj '" + ff + "' in " + file);
        }
        if (gated != act.startsWith("gelu")) {
            throw new CheckpointException("unsupported T5 feed_forward_proj '" + ff + "' in " + file
                    + " (Longplay runs relu and gated-gelu)");
        }
        return new T5Config(c.path("d_model").asInt(512), c.path("d_kv").asInt(64), c.path("d_ff").asInt(2048),
                c.path("num_layers").asInt(6), c.path("num_heads").asInt(8),
                c.path("relative_attention_num_buckets").asInt(32), c.path("relative_attention_max_distance").asInt(128),
                gated, (float) c.path("layer_norm_epsilon").asDouble(1e-6), c.path("vocab_size").asInt(32128));
    }

    public int innerDim() {
        return numHeads * dKv;
    }
}
