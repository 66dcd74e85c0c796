package dev.longplay.models.clap;

import com.fasterxml.jackson.databind.JsonNode;
import dev.longplay.models.weights.CheckpointException;

/**
 * The HTSAT audio branch: Hugging Face's {@code audio_config} with the library's defaults where keys are absent.
 * Longplay runs the unfused model (laion/clap-htsat-unfused and the like): square patches as wide as their stride.
 */
public record ClapAudioConfig(int specSize, int melBins, int windowSize, int patchSize, int patchDim, int[] depths,
                              int[] heads, double mlpRatio, float layerNormEps, int projectionDim) {

    public static ClapAudioConfig fromHf(JsonNode root, String source) {
        JsonNode a = root.path("audio_config");
        if (a.path("enable_fusion").asBoolean(false)) {
            throw new CheckpointException("CLAP audio branch with enable_fusion (laion/clap-htsat-fused) is not supported "
                    + "in " + source + "; its text branch works, for scores use an unfused CLAP such as "
                    + "laion/clap-htsat-unfused");
        }
        int patch = a.path("patch_size").asInt(4);
        JsonNode stride = a.path("patch_stride");
        int strideH = stride.isArray() ? stride.get(0).asInt() : stride.asInt(4);
        int strideW = stride.isArray() ? stride.get(1).asInt() : stride.asInt(4);
        if (strideH != patch || strideW != patch || a.path("patch_embed_input_channels").asInt(1) != 1
                || !a.path("flatten_patch_embeds").asBoolean(true) || !a.path("enable_patch_layer_norm").asBoolean(true)
                || !a.path("hidden_act").asText("gelu").equals("gelu") || !a.path("qkv_bias").asBoolean(true)) {
            throw new CheckpointException("unsupported CLAP audio_config in " + source + " (Longplay runs HTSAT with "
                    + "patch_stride = patch_size, one input channel, patch LayerNorm, GELU and qkv biases)");
        }
        int[] depths = ints(a.path("depths"), new int[]{2, 2, 6, 2});
        int[] heads = ints(a.path("num_attention_heads"), new int[]{4, 8, 16, 32});
        if (depths.length != heads.length) {
            throw new CheckpointException("CLAP audio depths and num_attention_heads differ in length in " + source);
        }
        int projection = root.path("projection_dim").asInt(a.path("projection_dim").asInt(512));
        return new ClapAudioConfig(a.path("spec_size").asInt(256), a.path("num_mel_bins").asInt(64),
                a.path("window_size").asInt(8), patch, a.path("patch_embeds_hidden_size").asInt(96), depths, heads,
                a.path("mlp_ratio").asDouble(4.0), (float) a.path("layer_norm_eps").asDouble(1e-5), projection);
    }

    private static int[] ints(JsonNode n, int[] fallback) {
        if (!n.isArray()) {
            return fallback;
        }
        int[] out = new int[n.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = n.get(i).asInt();
        }
        return out;
    }

    /** spec_size // num_mel_bins: how many time slices are folded under each other into the square image. */
    public int freqRatio() {
        return specSize / melBins;
    }

    /** Channels of stage i. */
    public int dim(int stage) {
        return patchDim << stage;
    }
}
