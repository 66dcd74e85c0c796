package dev.longplay.models.transformer;

import com.fasterxml.jackson.databind.JsonNode;
import dev.longplay.models.weights.CheckpointException;

/**
 * The {@code dit} diffusion config with the reference's defaults for everything a checkpoint's config leaves
 * out. Keyword arguments the DiT passes through to its transformer blocks (attn_kwargs, ff_kwargs,
 * norm_kwargs) are read here too.
 */
public record DitConfig(int ioChannels, int patchSize, int embedDim, int depth, int numHeads, int condTokenDim,
                        boolean projectCondTokens, int globalCondDim, boolean projectGlobalCond, int inputConcatDim,
                        int prependCondDim, String globalCondType, String timestepCondType, String qkNorm,
                        boolean rotaryPosEmb, boolean sinusoidalPosEmb, float ffMult, boolean ffGlu, boolean ffNoBias,
                        boolean normBias, float normEps) {

    public static DitConfig parse(JsonNode c, String objective) {
        String transformerType = c.path("transformer_type").asText("continuous_transformer");
        if (!"continuous_transformer".equals(transformerType)) {
            throw new CheckpointException("unsupported DiT transformer_type '" + transformerType + "'");
        }
        String timestep = c.path("timestep_cond_type").asText("global");
        if (!"global".equals(timestep)) {
            throw new CheckpointException("unsupported DiT timestep_cond_type '" + timestep + "' (Longplay runs 'global')");
        }
        JsonNode attn = c.path("attn_kwargs");
        JsonNode ff = c.path("ff_kwargs");
        JsonNode norm = c.path("norm_kwargs");
        for (String unsupported : new String[]{"differential", "feat_scale"}) {
            if (attn.path(unsupported).asBoolean(false)) {
                throw new CheckpointException("unsupported DiT attention option " + unsupported);
            }
        }
        for (String unsupported : new String[]{"conformer", "layer_scale", "remove_norms", "add_rope", "causal",
                "use_abs_pos_emb"}) {
            if (c.path(unsupported).asBoolean(false)) {
                throw new CheckpointException("unsupported DiT option " + unsupported);
            }
        }
        if (c.path("num_memory_tokens").asInt(0) != 0 || ff.path("use_conv").asBoolean(false)) {
            throw new CheckpointException("unsupported DiT option num_memory_tokens / ff use_conv");
        }
        String qkNorm = attn.path("qk_norm").asText("none");
        if (!qkNorm.equals("none") && !qkNorm.equals("ln") && !qkNorm.equals("l2")) {
            throw new CheckpointException("unsupported qk_norm '" + qkNorm + "'");
        }
        String globalType = c.path("global_cond_type").asText("prepend");
        if (!globalType.equals("prepend") && !globalType.equals("adaLN")) {
            throw new CheckpointException("unsupported global_cond_type '" + globalType + "'");
        }
        return new DitConfig(
                c.path("io_channels").asInt(32),
                c.path("patch_size").asInt(1),
                c.path("embed_dim").asInt(768),
                c.path("depth").asInt(12),
                c.path("num_heads").asInt(8),
                c.path("cond_token_dim").asInt(0),
                c.path("project_cond_tokens").asBoolean(true),
                c.path("global_cond_dim").asInt(0),
                c.path("project_global_cond").asBoolean(true),
                c.path("input_concat_dim").asInt(0),
                c.path("prepend_cond_dim").asInt(0),
                globalType,
                timestep,
                qkNorm,
                c.path("rotary_pos_emb").asBoolean(true),
                c.path("use_sinusoidal_emb").asBoolean(false),
                (float) ff.path("mult").asDouble(4),
                ff.path("glu").asBoolean(true),
                ff.path("no_bias").asBoolean(false),
                norm.path("bias").asBoolean(false),
                (float) norm.path("eps").asDouble(1e-5));
    }

    public int dimHeads() {
        return Math.min(embedDim / numHeads, embedDim);
    }

    public int condEmbedDim() {
        return projectCondTokens ? embedDim : condTokenDim;
    }

    public int globalEmbedDim() {
        return projectGlobalCond ? embedDim : globalCondDim;
    }

    public boolean adaLN() {
        return "adaLN".equals(globalCondType);
    }
}
