package dev.longplay.models.sa3.dit;

import com.fasterxml.jackson.databind.JsonNode;
import dev.longplay.models.weights.CheckpointException;

/**
 * The SA3 DiT's hyperparameters: {@code model.diffusion.config} of an SA3 {@code model_config.json}
 * (keys as the reference's DiffusionTransformer / ContinuousTransformer / TransformerBlock take them).
 * Options the released models do not use (prepend or input-concat conditioning, patching, modular local
 * conditioning, feature scaling, DyT norms) are refused by name rather than silently ignored.
 */
public record Sa3DitConfig(int ioChannels, int embedDim, int depth, int numHeads, int condTokenDim,
                           boolean projectCondTokens, int globalCondDim, boolean projectGlobalCond, boolean adaLN,
                           boolean expoTimestepFeatures, int timestepFeaturesDim, boolean timestepFeaturesLogsnr,
                           int numMemoryTokens, int localAddCondDim, boolean rmsNorm, float normEps,
                           String qkNorm, float qkNormEps, boolean differential, float ffMult, String objective) {

    public int dimHeads() {
        return embedDim / numHeads;
    }

    /** The width of the cross-attention tokens after {@code to_cond_embed}. */
    public int condEmbedDim() {
        return projectCondTokens ? embedDim : condTokenDim;
    }

    public int globalEmbedDim() {
        return projectGlobalCond ? embedDim : globalCondDim;
    }

    public static Sa3DitConfig parse(JsonNode diffusion, String source) {
        JsonNode c = diffusion.path("config");
        String where = source + " model.diffusion.config";
        if (!c.isObject()) {
            throw new CheckpointException(source + ": model.diffusion.config is missing");
        }
        refuse(c, "prepend_cond_dim", where);
        refuse(c, "input_concat_dim", where);
        if (c.path("patch_size").asInt(1) != 1) {
            throw new CheckpointException(where + ".patch_size " + c.path("patch_size") + " is not supported (only 1)");
        }
        if (diffusion.path("modular_local_cond_configs").size() > 0) {
            throw new CheckpointException(source + ": model.diffusion.modular_local_cond_configs is not supported");
        }
        String type = c.path("transformer_type").asText("continuous_transformer");
        if (!type.equals("continuous_transformer")) {
            throw new CheckpointException(where + ".transformer_type '" + type + "' is not supported");
        }
        String timestepCond = c.path("timestep_cond_type").asText("global");
        if (!timestepCond.equals("global")) {
            throw new CheckpointException(where + ".timestep_cond_type '" + timestepCond + "' is not supported");
        }
        String norm = c.path("norm_type").asText("layer_norm");
        if (!norm.equals("rms_norm")) {
            throw new CheckpointException(where + ".norm_type '" + norm + "' is not supported (SA3 uses rms_norm)");
        }
        JsonNode attn = c.path("attn_kwargs");
        String qk = attn.path("qk_norm").asText("none");
        if (!qk.equals("rms") && !qk.equals("none") && !qk.equals("l2")) {
            throw new CheckpointException(where + ".attn_kwargs.qk_norm '" + qk + "' is not supported (rms, l2, none)");
        }
        if (attn.path("feat_scale").asBoolean(false)) {
            throw new CheckpointException(where + ".attn_kwargs.feat_scale is not supported");
        }
        if (c.path("rotary_pos_emb").asBoolean(true) == false || c.path("cross_attn_rotary_pos_emb").asBoolean(false)
                || c.path("num_memory_tokens").asInt(0) < 0 || c.path("conformer").asBoolean(false)
                || c.path("layer_scale").asBoolean(false) || c.path("sliding_window").isArray()) {
            throw new CheckpointException(where + ": rotary_pos_emb must be on and cross_attn_rotary_pos_emb, conformer, "
                    + "layer_scale and sliding_window off");
        }
        if (c.path("ff_kwargs").path("glu").asBoolean(true) == false || c.path("ff_kwargs").path("no_bias").asBoolean(false)
                || c.path("ff_kwargs").path("sinusoidal").asBoolean(false)) {
            throw new CheckpointException(where + ".ff_kwargs: only the SwiGLU feed-forward with biases is supported");
        }
        String features = c.path("timestep_features_type").asText("learned");
        if (!features.equals("expo")) {
            throw new CheckpointException(where + ".timestep_features_type '" + features + "' is not supported (expo)");
        }
        int embed = require(c, "embed_dim", where);
        int heads = c.path("num_heads").asInt(8);
        if (heads <= 0 || embed % heads != 0 || embed / heads < 32) {
            throw new CheckpointException(where + ": embed_dim " + embed + " / num_heads " + heads
                    + " must give heads of at least 32 channels");
        }
        String objective = diffusion.path("diffusion_objective").asText("v");
        if (!objective.equals("rf_denoiser") && !objective.equals("rectified_flow")) {
            throw new CheckpointException(source + ": model.diffusion.diffusion_objective '" + objective
                    + "' is not an SA3 objective (rf_denoiser, rectified_flow)");
        }
        return new Sa3DitConfig(require(c, "io_channels", where), embed, require(c, "depth", where), heads,
                c.path("cond_token_dim").asInt(0), c.path("project_cond_tokens").asBoolean(true),
                c.path("global_cond_dim").asInt(0), c.path("project_global_cond").asBoolean(true),
                c.path("global_cond_type").asText("prepend").equals("adaLN"), true,
                c.path("timestep_features_dim").asInt(256), c.path("timestep_features_logsnr").asBoolean(false),
                c.path("num_memory_tokens").asInt(0), c.path("local_add_cond_dim").asInt(0), true,
                (float) c.path("norm_kwargs").path("eps").asDouble(1e-5), qk,
                (float) attn.path("qk_norm_eps").asDouble(1e-6), attn.path("differential").asBoolean(false),
                (float) c.path("ff_kwargs").path("mult").asDouble(4), objective);
    }

    private static void refuse(JsonNode c, String key, String where) {
        if (c.path(key).asInt(0) > 0) {
            throw new CheckpointException(where + "." + key + " is not supported by the SA3 port");
        }
    }

    private static int require(JsonNode c, String key, String where) {
        JsonNode n = c.path(key);
        if (!n.canConvertToInt() || n.asInt() <= 0) {
            throw new CheckpointException(where + "." + key + " is missing or not a positive integer");
        }
        return n.asInt();
    }
}
