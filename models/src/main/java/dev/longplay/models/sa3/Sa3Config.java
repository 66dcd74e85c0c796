package dev.longplay.models.sa3;

import com.fasterxml.jackson.databind.JsonNode;
import dev.longplay.models.config.ModelConfig;
import dev.longplay.models.sa3.dit.Sa3DitConfig;
import dev.longplay.models.weights.CheckpointException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * An SA3 {@code model_config.json} (stable_audio_3 factory.py's reading of it): the DiT, which conditioning
 * ids feed cross-attention / global / local-additive conditioning, the prompt and seconds conditioners, the
 * sampling distribution shift options (null: the reference's default LogSNR shift) and the autoencoder's
 * section, kept as JSON for the autoencoder to parse.
 */
public record Sa3Config(int sampleRate, long sampleSize, int audioChannels, int ioChannels, int downsamplingRatio,
                        Sa3DitConfig dit, List<String> crossIds, List<String> globalIds, List<String> localAddIds,
                        PromptSpec prompt, NumberSpec secondsTotal, JsonNode samplingShift, JsonNode pretransform,
                        String source) {

    /** The T5Gemma prompt conditioner's settings. */
    public record PromptSpec(int maxLength, String paddingMode, String subfolder, boolean hasProjection) {
    }

    /** A number conditioner: clamp to [min, max], normalise, expo Fourier features, Linear. */
    public record NumberSpec(float min, float max) {
    }

    /** True when a {@code model_config.json} tree looks like an SA3 model (rf objective, T5Gemma prompt). */
    public static boolean isSa3(JsonNode root) {
        for (JsonNode c : root.path("model").path("conditioning").path("configs")) {
            if ("t5gemma".equals(c.path("type").asText())) {
                return true;
            }
        }
        return false;
    }

    public static Sa3Config load(Path file) {
        try {
            return parse(ModelConfig.JSON.readTree(Files.readString(file)), file.toString());
        } catch (IOException e) {
            throw new CheckpointException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    public static Sa3Config parse(JsonNode root, String source) {
        if (root == null || !root.isObject()) {
            throw new CheckpointException(source + ": not a JSON object");
        }
        JsonNode model = root.path("model");
        JsonNode diffusion = model.path("diffusion");
        if (!diffusion.isObject()) {
            throw new CheckpointException(source + ": model.diffusion is missing");
        }
        Sa3DitConfig dit = Sa3DitConfig.parse(diffusion, source);
        int io = model.path("io_channels").asInt(dit.ioChannels());
        if (io != dit.ioChannels()) {
            throw new CheckpointException(source + ": model.io_channels " + io + " differs from the DiT's " + dit.ioChannels());
        }
        if (diffusion.path("input_concat_ids").size() > 0 || diffusion.path("prepend_cond_ids").size() > 0) {
            throw new CheckpointException(source + ": input_concat_ids / prepend_cond_ids are not supported for SA3");
        }
        JsonNode pre = model.path("pretransform");
        int ratio = pre.path("config").path("downsampling_ratio").asInt(0);
        if (ratio <= 0) {
            ratio = derivedRatio(pre, source);
        }
        PromptSpec prompt = null;
        NumberSpec seconds = null;
        for (JsonNode c : model.path("conditioning").path("configs")) {
            String id = c.path("id").asText();
            String type = c.path("type").asText();
            JsonNode cc = c.path("config");
            if (type.equals("t5gemma")) {
                String name = cc.path("model_name").asText("google/t5gemma-b-b-ul2");
                if (!name.equals("google/t5gemma-b-b-ul2")) {
                    throw new CheckpointException(source + ": T5Gemma model '" + name + "' is not supported");
                }
                if (!id.equals("prompt")) {
                    throw new CheckpointException(source + ": the T5Gemma conditioner must have id 'prompt', not '" + id + "'");
                }
                int cond = model.path("conditioning").path("cond_dim").asInt(0);
                prompt = new PromptSpec(cc.path("max_length").asInt(128), cc.path("padding_mode").asText("zero"),
                        cc.path("subfolder").asText("t5gemma-b-b-ul2"), cond != 768 || cc.path("project_out").asBoolean(false));
            } else if (type.equals("number")) {
                if (!id.equals("seconds_total")) {
                    throw new CheckpointException(source + ": number conditioner '" + id + "' is not supported (seconds_total)");
                }
                if (!cc.path("fourier_features_type").asText("learned").equals("expo")) {
                    throw new CheckpointException(source + ": seconds_total must use expo Fourier features");
                }
                seconds = new NumberSpec((float) cc.path("min_val").asDouble(0), (float) cc.path("max_val").asDouble(1));
            } else {
                throw new CheckpointException(source + ": conditioner type '" + type + "' (id " + id + ") is not supported");
            }
        }
        if (prompt == null || seconds == null) {
            throw new CheckpointException(source + ": SA3 needs a t5gemma 'prompt' and a number 'seconds_total' conditioner");
        }
        List<String> local = strings(diffusion.path("local_add_cond_ids"));
        for (String id : local) {
            if (!id.equals("inpaint_mask") && !id.equals("inpaint_masked_input")) {
                throw new CheckpointException(source + ": local_add_cond id '" + id + "' is not supported");
            }
        }
        JsonNode shift = diffusion.path("sampling_distribution_shift_options");
        return new Sa3Config(root.path("sample_rate").asInt(44100), root.path("sample_size").asLong(5292032),
                root.path("audio_channels").asInt(2), io, ratio, dit, strings(diffusion.path("cross_attention_cond_ids")),
                strings(diffusion.path("global_cond_ids")), local, prompt, seconds, shift.isObject() ? shift : null, pre, source);
    }

    // The AE's total downsampling: patch size times the product of the encoder strides.
    private static int derivedRatio(JsonNode pre, String source) {
        JsonNode c = pre.path("config");
        int patch = c.path("pretransform").path("config").path("patch_size").asInt(0);
        JsonNode strides = c.path("encoder").path("config").path("strides");
        if (patch <= 0 || !strides.isArray()) {
            throw new CheckpointException(source + ": model.pretransform.config has no downsampling_ratio "
                    + "(nor patch_size and encoder strides to derive it)");
        }
        int r = patch;
        for (JsonNode s : strides) {
            r *= s.asInt();
        }
        return r;
    }

    private static List<String> strings(JsonNode array) {
        List<String> out = new ArrayList<>();
        for (JsonNode n : array) {
            out.add(n.asText());
        }
        return List.copyOf(out);
    }
}
