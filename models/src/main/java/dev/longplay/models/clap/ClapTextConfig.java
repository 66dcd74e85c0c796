package dev.longplay.models.clap;

import com.fasterxml.jackson.databind.JsonNode;
import dev.longplay.models.weights.CheckpointException;

/**
 * The CLAP text branch (a RoBERTa encoder) and its projection: Hugging Face's {@code text_config} with the
 * library's defaults where keys are absent, or the shape of a laion_clap checkpoint (roberta-base).
 */
public record ClapTextConfig(int vocabSize, int hiddenSize, int numLayers, int numHeads, int intermediateSize,
                             int maxPositions, int typeVocabSize, float layerNormEps, int padTokenId,
                             int projectionDim) {

    /** text_config of an HF {@code ClapConfig}; projection_dim is the top-level one when present. */
    public static ClapTextConfig fromHf(JsonNode root, String source) {
        JsonNode t = root.path("text_config");
        String act = t.path("hidden_act").asText("gelu");
        if (!act.equals("gelu")) {
            throw new CheckpointException("unsupported CLAP text hidden_act '" + act + "' in " + source);
        }
        String projAct = root.path("projection_hidden_act").asText(t.path("projection_hidden_act").asText("relu"));
        if (!projAct.equals("relu")) {
            throw new CheckpointException("unsupported CLAP projection_hidden_act '" + projAct + "' in " + source);
        }
        int projection = root.path("projection_dim").asInt(t.path("projection_dim").asInt(512));
        ClapTextConfig c = new ClapTextConfig(t.path("vocab_size").asInt(50265), t.path("hidden_size").asInt(768),
                t.path("num_hidden_layers").asInt(12), t.path("num_attention_heads").asInt(12),
                t.path("intermediate_size").asInt(3072), t.path("max_position_embeddings").asInt(514),
                t.path("type_vocab_size").asInt(1), (float) t.path("layer_norm_eps").asDouble(1e-12),
                t.path("pad_token_id").asInt(1), projection);
        if (c.hiddenSize % c.numHeads != 0) {
            throw new CheckpointException("CLAP text hidden_size " + c.hiddenSize + " is not a multiple of "
                    + "num_attention_heads " + c.numHeads + " in " + source);
        }
        return c;
    }

    public int headDim() {
        return hiddenSize / numHeads;
    }
}
