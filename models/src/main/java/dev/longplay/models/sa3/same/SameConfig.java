package dev.longplay.models.sa3.same;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.longplay.models.config.ModelConfig;
import dev.longplay.models.sa3.Sa3Config;
import dev.longplay.models.weights.CheckpointException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * A SAME autoencoder's hyperparameters, from an SA3 {@code model_config.json}: the section
 * {@code model.pretransform.config} of a full checkpoint's config, or {@code model} of a standalone
 * SAME-S / SAME-L config (the reference factory accepts both).
 *
 * @param chunked whether encode/decode run in 128-latent tiles ({@code model.pretransform.chunked})
 */
public record SameConfig(int sampleRate, int audioChannels, int patchSize, int latentDim, int downsamplingRatio,
                         Coder encoder, Coder decoder, boolean softClip, int noiseAugmentDim, boolean chunked) {

    /**
     * One side (encoder or decoder) of the autoencoder.
     *
     * @param ioChannels       patchified channels at the audio end (encoder {@code in_channels}, decoder {@code out_channels})
     * @param slidingWindow    {left, right} window in latents of each level (SAME-L), or null for fixed chunks (SAME-S)
     * @param sinusoidalBlocks per level (index as {@code strides}): sin(pi x) FF activation in blocks with depth - i < this
     */
    public record Coder(int ioChannels, int channels, int[] cMults, int[] strides, int[] depths, int latentDim,
                        int dimHeads, boolean differential, boolean dyt, double ffMult, boolean mappingBias,
                        boolean convMapping, int chunkSize, boolean chunkMidpointShift, int[] slidingWindow,
                        int[] sinusoidalBlocks) {

        int levels() {
            return cMults.length;
        }

        /** Channel width after level {@code i} (0 = the audio end). */
        int channelsAt(int i) {
            return i == 0 ? ioChannels : cMults[i - 1] * channels;
        }
    }

    // Options of the reference block that no shipped SAME config is known to use; refused rather than ignored.
    private static final List<String> UNSUPPORTED = List.of("conformer", "layer_scale", "feat_scale", "cross_attn",
            "variable_stride");

    public static SameConfig load(Path modelConfigJson) {
        try {
            JsonNode root = ModelConfig.JSON.readTree(Files.readString(modelConfigJson));
            return parse(root, modelConfigJson.toString());
        } catch (IOException e) {
            throw new CheckpointException("cannot read " + modelConfigJson + ": " + e.getMessage(), e);
        }
    }

    /** The autoencoder of a full SA3 checkpoint, from its {@code model.pretransform} section. */
    public static SameConfig of(Sa3Config config) {
        ObjectNode root = ModelConfig.JSON.createObjectNode();
        root.put("sample_rate", config.sampleRate());
        root.putObject("model").set("pretransform", config.pretransform());
        return parse(root, config.source());
    }

    /** One line for {@code longplay info}, e.g. "SAME, 1 level x 6 blocks, width 768, 32-latent chunks (midpoint shift)". */
    public String describe() {
        int blocks = java.util.Arrays.stream(encoder.depths()).sum();
        String attention = encoder.slidingWindow() != null
                ? "sliding window " + java.util.Arrays.toString(encoder.slidingWindow())
                : encoder.chunkSize() + "-latent chunks" + (encoder.chunkMidpointShift() ? " (midpoint shift)" : "");
        return String.format("SAME, %d level%s x %d blocks, width %d, %s, %d latents at %dx%s", encoder.levels(),
                encoder.levels() == 1 ? "" : "s", blocks, encoder.channelsAt(encoder.levels()), attention, latentDim,
                downsamplingRatio, chunked ? ", tiled" : "");
    }

    /** From a whole {@code model_config.json} tree; {@code where} names it in errors. */
    public static SameConfig parse(JsonNode root, String where) {
        JsonNode model = root.path("model");
        JsonNode ae;
        boolean chunked;
        if (model.has("encoder")) {
            ae = model;
            chunked = false;
        } else {
            JsonNode pre = model.path("pretransform");
            ae = pre.path("config");
            chunked = pre.path("chunked").asBoolean(false);
            if (!ae.has("encoder")) {
                throw new CheckpointException(where + ": no SAME autoencoder at model.pretransform.config or model");
            }
        }
        int sampleRate = root.path("sample_rate").asInt(44100);
        JsonNode patch = ae.path("pretransform").path("config");
        int patchSize = requireInt(patch, "patch_size", where + " pretransform.config");
        int channels = requireInt(patch, "channels", where + " pretransform.config");
        if (patch.path("postfilter_channels").asInt(0) > 0 || patch.path("oversampling").asInt(1) > 1) {
            throw new CheckpointException(where + ": patched pretransform postfilter/oversampling is not supported");
        }
        int latentDim = requireInt(ae, "latent_dim", where);
        int ratio = requireInt(ae, "downsampling_ratio", where);
        JsonNode bottleneck = ae.path("bottleneck");
        if (!"soft_norm".equals(bottleneck.path("type").asText())) {
            throw new CheckpointException(where + ": bottleneck type '" + bottleneck.path("type").asText()
                    + "' is not soft_norm");
        }
        Coder enc = coder(ae.path("encoder").path("config"), "in_channels", latentDim, where + " encoder.config");
        Coder dec = coder(ae.path("decoder").path("config"), "out_channels", latentDim, where + " decoder.config");
        int product = patchSize;
        for (int s : enc.strides()) {
            product *= s;
        }
        if (product != ratio) {
            throw new CheckpointException(where + ": downsampling_ratio " + ratio + " != patch_size x strides " + product);
        }
        return new SameConfig(sampleRate, channels, patchSize, latentDim, ratio, enc, dec,
                ae.path("decoder").path("soft_clip").asBoolean(false),
                bottleneck.path("config").path("noise_augment_dim").asInt(0), chunked);
    }

    private static Coder coder(JsonNode c, String ioKey, int latentDim, String where) {
        for (String key : UNSUPPORTED) {
            if (c.path(key).asBoolean(false)) {
                throw new CheckpointException(where + ": option '" + key + "' is not supported");
            }
        }
        int[] cMults = ints(c.path("c_mults"), new int[]{1, 2, 4, 8});
        int[] strides = ints(c.path("strides"), new int[]{2, 4, 8, 8});
        int[] depths = ints(c.path("transformer_depths"), new int[]{3, 3, 3, 3});
        if (strides.length != cMults.length || depths.length != cMults.length) {
            throw new CheckpointException(where + ": c_mults, strides and transformer_depths differ in length");
        }
        JsonNode sin = c.path("sinusoidal_blocks");
        int[] sinusoidal = sin.isArray() ? ints(sin, null) : filled(cMults.length, sin.asInt(0));
        int[] window = c.path("sliding_window").isArray() ? ints(c.path("sliding_window"), null) : null;
        if (window != null && window.length != 2) {
            throw new CheckpointException(where + ": sliding_window must be [left, right]");
        }
        if (c.path("mask_noise").asDouble(0) != 0) {
            // The reference adds N(0, mask_noise) to the learned new tokens at inference; the port leaves it out.
            System.getLogger(SameConfig.class.getName()).log(System.Logger.Level.DEBUG,
                    where + ": mask_noise ignored (deterministic decode)");
        }
        int chunk = c.path("chunk_size").asInt(128);
        if (window == null) {
            for (int s : strides) {
                if (chunk % s != 0) {
                    throw new CheckpointException(where + ": stride " + s + " does not divide chunk_size " + chunk);
                }
            }
        }
        return new Coder(requireInt(c, ioKey, where), c.path("channels").asInt(128), cMults, strides, depths,
                c.path("latent_dim").asInt(latentDim), c.path("dim_heads").asInt(128),
                c.path("differential").asBoolean(true), c.path("dyt").asBoolean(true), c.path("ff_mult").asDouble(3),
                c.path("mapping_bias").asBoolean(true), c.path("conv_mapping").asBoolean(false), chunk,
                c.path("chunk_midpoint_shift").asBoolean(false), window, sinusoidal);
    }

    private static int requireInt(JsonNode node, String key, String where) {
        if (!node.path(key).isNumber()) {
            throw new CheckpointException(where + ": missing number '" + key + "'");
        }
        return node.path(key).asInt();
    }

    private static int[] ints(JsonNode array, int[] fallback) {
        if (!array.isArray()) {
            return fallback;
        }
        int[] out = new int[array.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = array.get(i).asInt();
        }
        return out;
    }

    private static int[] filled(int n, int value) {
        int[] out = new int[n];
        java.util.Arrays.fill(out, value);
        return out;
    }
}
