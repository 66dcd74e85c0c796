package dev.longplay.models.pipeline;

import com.fasterxml.jackson.databind.JsonNode;
import dev.longplay.models.config.ModelConfig;
import dev.longplay.models.diffusion.Sampler;
import dev.longplay.models.diffusion.SamplerName;
import dev.longplay.models.weights.CheckpointException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.Set;

/**
 * The sampling profile a model is published with, used where a request leaves a setting out.
 * v-objective (SAO 1.0 model card): DPM-Solver++ 3M SDE, 100 steps, CFG 7, sigma 0.3 to 500, rho 1.
 * Rectified flow after adversarial post-training (SAO small): 8 ping-pong steps without guidance.
 * Stable Audio 3 brings its own profile (see {@code Sa3Pipeline}); every family reads the same file over it.
 * A model folder may override any of these in {@value #FILE} (Longplay's own file; the reference ignores it),
 * e.g. a small trained model whose guidance overshoots at 7. Settings a family has no use for (sigmas and rho on a
 * rectified-flow model, window_seconds on a model without start conditioning) are accepted and have no effect.
 *
 * <p>{@code windowSeconds} says how the windows of a clip longer than the model's window are conditioned on time:
 * {@link #POSITION} (the reference's training: crops of longer files, seconds_start = the window's offset,
 * seconds_total = the whole piece) or {@link #WINDOW} (each window as a clip of its own: start 0, total = its length,
 * for a model only ever trained on whole short clips, which never saw another start).
 */
public record SamplingDefaults(String sampler, int steps, double cfgScale, double sigmaMin, double sigmaMax,
                               double rho, double initNoiseLevel, String windowSeconds) {

    public static final String POSITION = "position";
    public static final String WINDOW = "window";

    public SamplingDefaults {
        if (!POSITION.equals(windowSeconds) && !WINDOW.equals(windowSeconds)) {
            throw new IllegalArgumentException("window_seconds must be '" + POSITION + "' or '" + WINDOW + "', not '"
                    + windowSeconds + "'");
        }
    }

    /** With windows conditioned on their position (the reference's way). */
    public SamplingDefaults(String sampler, int steps, double cfgScale, double sigmaMin, double sigmaMax, double rho,
                            double initNoiseLevel) {
        this(sampler, steps, cfgScale, sigmaMin, sigmaMax, rho, initNoiseLevel, POSITION);
    }

    public static final String FILE = "sampling_defaults.json";
    private static final Set<String> KEYS =
            Set.of("sampler", "steps", "cfg_scale", "sigma_min", "sigma_max", "rho", "init_noise_level", "window_seconds");

    public static SamplingDefaults forObjective(String objective) {
        return switch (objective) {
            case "rf_denoiser", "rectified_flow" -> new SamplingDefaults("pingpong", 8, 1.0, 0.0, 1.0, 1.0, 0.8);
            default -> new SamplingDefaults("dpmpp-3m-sde", 100, 7.0, 0.3, 500.0, 1.0, 3.0);
        };
    }

    /**
     * The objective's profile with the settings of {@code modelDir}'s {@value #FILE} where it has one; a file
     * with an unknown key, a value out of range or a sampler of the other objective is refused, naming it.
     */
    public static SamplingDefaults forModel(String objective, Path modelDir) {
        return forModel(forObjective(objective), modelDir);
    }

    /**
     * {@code base} (a model family's own profile) with the settings of {@code modelDir}'s {@value #FILE} where it has
     * one, checked as {@link #forModel(String, Path)} does: the sampler must be of the kind {@code base}'s is, and
     * is recorded under its canonical name ({@link SamplerName}).
     */
    public static SamplingDefaults forModel(SamplingDefaults base, Path modelDir) {
        Path file = modelDir.resolve(FILE);
        if (!Files.isRegularFile(file)) {
            return base;
        }
        JsonNode json;
        try {
            json = ModelConfig.JSON.readTree(file.toFile());
        } catch (IOException e) {
            throw new CheckpointException(file + ": not readable JSON (" + e.getMessage() + ")");
        }
        if (json == null || !json.isObject()) {
            throw new CheckpointException(file + ": expected a JSON object of sampler settings");
        }
        for (Iterator<String> names = json.fieldNames(); names.hasNext(); ) {
            String key = names.next();
            if (!KEYS.contains(key)) {
                throw new CheckpointException(file + ": unknown setting '" + key + "' (known: " + KEYS + ")");
            }
        }
        String windowSeconds = json.has("window_seconds") ? json.get("window_seconds").asText() : base.windowSeconds();
        if (!POSITION.equals(windowSeconds) && !WINDOW.equals(windowSeconds)) {
            throw new CheckpointException(file + ": 'window_seconds' must be \"" + POSITION + "\" or \"" + WINDOW
                    + "\", not " + json.get("window_seconds"));
        }
        boolean rectifiedFlow = Sampler.forName(base.sampler()).rectifiedFlow();
        String sampler = base.sampler();
        if (json.has("sampler")) {
            try {
                sampler = SamplerName.resolve(json.get("sampler").asText(), rectifiedFlow).canonical();
            } catch (IllegalArgumentException e) {
                throw new CheckpointException(file + ": " + e.getMessage());
            }
        }
        SamplingDefaults d = new SamplingDefaults(sampler,
                json.has("steps") ? wholeNumber(file, json, "steps") : base.steps(),
                json.has("cfg_scale") ? number(file, json, "cfg_scale").doubleValue() : base.cfgScale(),
                json.has("sigma_min") ? number(file, json, "sigma_min").doubleValue() : base.sigmaMin(),
                json.has("sigma_max") ? number(file, json, "sigma_max").doubleValue() : base.sigmaMax(),
                json.has("rho") ? number(file, json, "rho").doubleValue() : base.rho(),
                json.has("init_noise_level") ? number(file, json, "init_noise_level").doubleValue()
                        : base.initNoiseLevel(), windowSeconds);
        if (d.steps() < 1 || d.cfgScale() < 0 || d.sigmaMin() < 0 || d.sigmaMax() <= d.sigmaMin() || d.rho() <= 0
                || d.initNoiseLevel() <= 0) {
            throw new CheckpointException(file + ": steps must be at least 1, cfg_scale and sigma_min not negative,"
                    + " sigma_max above sigma_min, rho and init_noise_level positive");
        }
        return d;
    }

    private static int wholeNumber(Path file, JsonNode json, String key) {
        JsonNode v = json.get(key);
        if (!v.isIntegralNumber() || !v.canConvertToInt()) {
            throw new CheckpointException(file + ": '" + key + "' must be a whole number, not " + v);
        }
        return v.intValue();
    }

    private static Number number(Path file, JsonNode json, String key) {
        JsonNode v = json.get(key);
        if (!v.isNumber()) {
            throw new CheckpointException(file + ": '" + key + "' must be a number, not " + v);
        }
        return v.numberValue();
    }
}
