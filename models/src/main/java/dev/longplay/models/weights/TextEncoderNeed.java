package dev.longplay.models.weights;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A text encoder a model's config names: the conditioner that uses it, the folder of the model where a checkpoint
 * may ship it ({@code text_encoder/}, or SA3's T5Gemma subfolder), and the Hub repo it otherwise comes from
 * (the reference loads it from there by name). T5's short names are the Hub's aliases: {@code t5-base} is
 * {@code google-t5/t5-base}.
 */
public record TextEncoderNeed(String conditionerId, String type, String subfolder, String repoId) {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Map<String, String> T5_ALIASES = Map.of(
            "t5-small", "google-t5/t5-small", "t5-base", "google-t5/t5-base", "t5-large", "google-t5/t5-large",
            "t5-3b", "google-t5/t5-3b", "t5-11b", "google-t5/t5-11b");

    /** The encoders a {@code model_config.json} names, in conditioner order. */
    public static List<TextEncoderNeed> read(Path modelConfig) {
        try {
            return of(JSON.readTree(modelConfig.toFile()));
        } catch (IOException e) {
            throw new CheckpointException("cannot read " + modelConfig + ": " + e.getMessage(), e);
        }
    }

    public static List<TextEncoderNeed> of(JsonNode modelConfig) {
        List<TextEncoderNeed> needs = new ArrayList<>();
        for (JsonNode c : modelConfig.path("model").path("conditioning").path("configs")) {
            String id = c.path("id").asText();
            JsonNode cc = c.path("config");
            switch (c.path("type").asText()) {
                case "t5" -> {
                    String name = cc.path("t5_model_name").asText("t5-base");
                    needs.add(new TextEncoderNeed(id, "t5", "text_encoder", T5_ALIASES.getOrDefault(name, name)));
                }
                case "t5gemma" -> needs.add(new TextEncoderNeed(id, "t5gemma", cc.path("subfolder").asText("t5gemma-b-b-ul2"),
                        cc.path("model_name").asText("google/t5gemma-b-b-ul2")));
                // the reference loads a laion CLAP checkpoint from a local path; its Hub conversion is the HF layout
                case "clap_text" -> needs.add(new TextEncoderNeed(id, "clap_text", "text_encoder",
                        cc.path("enable_fusion").asBoolean(false) ? "laion/clap-htsat-fused" : "laion/clap-htsat-unfused"));
                default -> {
                }
            }
        }
        return needs;
    }

    /** The command that fetches this encoder into the Hub cache. */
    public String pullCommand() {
        return "longplay pull " + repoId;
    }
}
