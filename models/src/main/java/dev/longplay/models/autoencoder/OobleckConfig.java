package dev.longplay.models.autoencoder;

import com.fasterxml.jackson.databind.JsonNode;
import dev.longplay.models.config.ComponentConfig;
import dev.longplay.models.weights.CheckpointException;

import java.util.Arrays;

/**
 * The {@code config} of an {@code "oobleck"} encoder or decoder, with the reference's defaults for absent keys.
 * {@code ioChannels} is the encoder's {@code in_channels} or the decoder's {@code out_channels}.
 */
public record OobleckConfig(int ioChannels, int channels, int latentDim, int[] cMults, int[] strides,
                            boolean useSnake, boolean useNearestUpsample, boolean finalTanh) {

    public OobleckConfig {
        cMults = cMults.clone();
        strides = strides.clone();
    }

    public static OobleckConfig encoder(ComponentConfig component) {
        return parse(component, "encoder", "in_channels");
    }

    public static OobleckConfig decoder(ComponentConfig component) {
        return parse(component, "decoder", "out_channels");
    }

    private static OobleckConfig parse(ComponentConfig component, String role, String ioKey) {
        if (component == null) {
            throw new CheckpointException("autoencoder config has no " + role);
        }
        if (!"oobleck".equals(component.type())) {
            throw new CheckpointException("unsupported autoencoder " + role + " type '" + component.type()
                    + "' (Longplay runs 'oobleck')");
        }
        JsonNode c = component.config();
        if (c == null || !c.isObject()) {
            throw new CheckpointException("oobleck " + role + " has no config object");
        }
        if (c.path("antialias_activation").asBoolean(false)) {
            throw new CheckpointException("oobleck " + role + " sets antialias_activation, which Longplay does not "
                    + "implement (no released Stable Audio model uses it)");
        }
        int[] cMults = ints(c, "c_mults", new int[]{1, 2, 4, 8}, role);
        int[] strides = ints(c, "strides", new int[]{2, 4, 8, 8}, role);
        if (cMults.length == 0 || cMults.length != strides.length) {
            throw new CheckpointException("oobleck " + role + ": c_mults " + Arrays.toString(cMults) + " and strides "
                    + Arrays.toString(strides) + " must be non-empty and of equal length");
        }
        OobleckConfig cfg = new OobleckConfig(c.path(ioKey).asInt(2), c.path("channels").asInt(128),
                c.path("latent_dim").asInt(32), cMults, strides, c.path("use_snake").asBoolean(false),
                c.path("use_nearest_upsample").asBoolean(false), c.path("final_tanh").asBoolean(true));
        if (cfg.ioChannels <= 0 || cfg.channels <= 0 || cfg.latentDim <= 0
                || Arrays.stream(cMults).anyMatch(m -> m <= 0) || Arrays.stream(strides).anyMatch(s -> s <= 0)) {
            throw new CheckpointException("oobleck " + role + ": channel counts, c_mults and strides must be positive");
        }
        return cfg;
    }

    private static int[] ints(JsonNode c, String key, int[] fallback, String role) {
        JsonNode n = c.get(key);
        if (n == null) {
            return fallback;
        }
        if (!n.isArray()) {
            throw new CheckpointException("oobleck " + role + ": " + key + " must be a list of integers");
        }
        int[] out = new int[n.size()];
        for (int i = 0; i < out.length; i++) {
            if (!n.get(i).canConvertToInt()) {
                throw new CheckpointException("oobleck " + role + ": " + key + " must be a list of integers");
            }
            out[i] = n.get(i).asInt();
        }
        return out;
    }

    /** Channels after block level {@code i}: level 0 is the stem ({@code channels}), level i is c_mults[i-1]*channels. */
    public long channelsAt(int level) {
        return level == 0 ? channels : (long) cMults[level - 1] * channels;
    }

    public int depth() {
        return strides.length;
    }

    /** Samples per latent frame: the product of the strides. */
    public int ratio() {
        return Arrays.stream(strides).reduce(1, (a, b) -> a * b);
    }

    public int[] cMults() {
        return cMults.clone();
    }

    public int[] strides() {
        return strides.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof OobleckConfig other && ioChannels == other.ioChannels && channels == other.channels
                && latentDim == other.latentDim && Arrays.equals(cMults, other.cMults)
                && Arrays.equals(strides, other.strides) && useSnake == other.useSnake
                && useNearestUpsample == other.useNearestUpsample && finalTanh == other.finalTanh;
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(cMults) + Arrays.hashCode(strides) + channels + 7 * latentDim;
    }

    @Override
    public String toString() {
        return "OobleckConfig[io=" + ioChannels + ", channels=" + channels + ", latentDim=" + latentDim
                + ", cMults=" + Arrays.toString(cMults) + ", strides=" + Arrays.toString(strides)
                + ", snake=" + useSnake + ", nearestUpsample=" + useNearestUpsample + ", finalTanh=" + finalTanh + "]";
    }
}
