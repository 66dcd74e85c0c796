package dev.longplay.models.sa3.text;

import com.fasterxml.jackson.databind.JsonNode;
import dev.longplay.models.config.ModelConfig;
import dev.longplay.models.weights.CheckpointException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** The encoder half of a Hugging Face T5Gemma {@code config.json} (its {@code encoder} object). */
public record T5GemmaConfig(int vocabSize, int hiddenSize, int intermediateSize, int layers, int heads, int kvHeads,
                            int headDim, double queryPreAttnScalar, double attnSoftcap, float rmsEps, double ropeTheta,
                            int slidingWindow, String activation) {

    public static T5GemmaConfig load(Path file) {
        JsonNode root;
        try {
            root = ModelConfig.JSON.readTree(Files.readString(file));
        } catch (IOException e) {
            throw new CheckpointException("cannot read " + file + ": " + e.getMessage(), e);
        }
        JsonNode e = root.has("encoder") ? root.path("encoder") : root;
        String act = e.path("hidden_activation").asText("gelu_pytorch_tanh");
        if (!act.equals("gelu_pytorch_tanh")) {
            throw new CheckpointException(file + ": encoder.hidden_activation '" + act + "' is not supported");
        }
        JsonNode rope = e.path("rope_parameters");
        double theta = rope.isObject() ? rope.path("rope_theta").asDouble(10000) : e.path("rope_theta").asDouble(10000);
        if (rope.isObject() && !rope.path("rope_type").asText("default").equals("default")) {
            throw new CheckpointException(file + ": rope_type '" + rope.path("rope_type").asText() + "' is not supported");
        }
        int hidden = need(e, "hidden_size", file);
        int heads = need(e, "num_attention_heads", file);
        return new T5GemmaConfig(need(e, "vocab_size", root, file), hidden, need(e, "intermediate_size", file),
                need(e, "num_hidden_layers", file), heads, e.path("num_key_value_heads").asInt(heads),
                e.path("head_dim").asInt(hidden / heads), e.path("query_pre_attn_scalar").asDouble(e.path("head_dim").asInt(256)),
                e.path("attn_logit_softcapping").isNull() ? 0 : e.path("attn_logit_softcapping").asDouble(50.0),
                (float) e.path("rms_norm_eps").asDouble(1e-6), theta, e.path("sliding_window").asInt(4096), act);
    }

    private static int need(JsonNode e, String key, Path file) {
        if (!e.path(key).canConvertToInt()) {
            throw new CheckpointException(file + ": encoder." + key + " is missing");
        }
        return e.path(key).asInt();
    }

    private static int need(JsonNode e, String key, JsonNode root, Path file) {
        return e.path(key).canConvertToInt() ? e.path(key).asInt() : need(root, key, file);
    }
}
