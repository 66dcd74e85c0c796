package dev.longplay.models.autoencoder;

import com.fasterxml.jackson.databind.JsonNode;
import dev.longplay.models.config.ComponentConfig;
import dev.longplay.models.weights.CheckpointException;

import java.util.ArrayList;
import java.util.List;

/**
 * The {@code config} of an {@code "oobleck"} encoder or decoder, with the reference's defaults for absent keys.
 * {@code ioChannels} is the encoder's {@code in_channels} or the decoder's {@code out_channels}.
 */
public record OobleckConfig(int ioChannels, int channels, int latentDim, List<Integer> cMults, List<Integer> strides,
                            boolean useSnake, boolean useNearestUpsample, boolean finalTanh) {

    public OobleckConfig {
        cMults = List.copyOf(cMults);
        strides = List.copyOf(strides);
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
        List<Integer> cMults = ints(c, "c_mults", List.of(1, 2, 4, 8), role);
        List<Integer> strides = ints(c, "strides", List.of(2, 4, 8, 8), role);
        if (cMults.isEmpty() || cMults.size() != strides.size()) {
            throw new CheckpointException("oobleck " + role + ": c_mults " + cMults + " and strides " + strides
                    + " must be non-empty and of equal length");
        }
        OobleckConfig cfg = new OobleckConfig(c.path(ioKey).asInt(2), c.path("channels").asInt(128),
                c.path("latent_dim").asInt(32), cMults, strides, c.path("use_snake").asBoolean(false),
                c.path("use_nearest_upsample").asBoolean(false), c.path("final_tanh").asBoolean(true));
        if (cfg.ioChannels <= 0 || cfg.channels <= 0 || cfg.latentDim <= 0
                || cMults.stream().anyMatch(m -> m <= 0) || strides.stream().anyMatch(s -> s <= 0)) {
            throw new CheckpointException("oobleck " + role + ": channel counts, c_mults and strides must be positive");
        }
        return cfg;
    }

    private static List<Integer> ints(JsonNode c, String key, List<Integer> fallback, String role) {
        JsonNode n = c.get(key);
        if (n == null) {
            return fallback;
        }
        if (!n.isArray()) {
            throw new CheckpointException("oobleck " + role + ": " + key + " must be a list of integers");
        }
        List<Integer> out = new ArrayList<>();
        for (JsonNode v : n) {
            if (!v.canConvertToInt()) {
                throw new CheckpointException("oobleck " + role + ": " + key + " must be a list of integers");
            }
            out.add(v.asInt());
        }
        return out;
    }

    /** Channels after block level {@code i}: level 0 is the stem ({@code channels}), level i is c_mults[i-1]*channels. */
    public long channelsAt(int level) {
        return level == 0 ? channels : (long) cMults.get(level - 1) * channels;
    }

    public int depth() {
        return strides.size();
    }

    /** Samples per latent frame: the product of the strides. */
    public int ratio() {
        return strides.stream().reduce(1, (a, b) -> a * b);
    }
}
