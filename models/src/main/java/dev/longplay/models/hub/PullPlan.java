package dev.longplay.models.hub;

import com.fasterxml.jackson.databind.JsonNode;
import dev.longplay.models.weights.TextEncoderNeed;

import java.util.ArrayList;
import java.util.List;

/**
 * Which files of a repo a pull fetches, and which text encoder repos it pulls besides. For a model (a repo with
 * {@code model_config.json}): the config, {@code model.safetensors} ({@code model.ckpt} only when there is no
 * safetensors), and {@code text_encoder/}, {@code tokenizer/} or the config's encoder subfolder where the repo has
 * them; an encoder the repo lacks is pulled as its own repo. For a text encoder repo (T5, T5Gemma, CLAP): its
 * config, safetensors weights and tokenizer files.
 */
public record PullPlan(List<String> files, List<RepoRef> encoders) {

    /** The files a text encoder repo needs, where present. */
    static final List<String> ENCODER_FILES = List.of("config.json", "model.safetensors", "tokenizer.json",
            "tokenizer_config.json", "special_tokens_map.json", "spiece.model", "preprocessor_config.json");

    /** A model repo's plan; {@code modelConfig} is its parsed {@code model_config.json}. */
    static PullPlan forModel(RepoRef ref, RevisionInfo info, JsonNode modelConfig) {
        List<String> files = new ArrayList<>();
        files.add("model_config.json");
        if (info.has("model.safetensors")) {
            files.add("model.safetensors");
        } else if (info.has("model.ckpt")) {
            files.add("model.ckpt");
        } else {
            throw new HubException(HubException.Reason.NOT_FOUND, ref + " has model_config.json but neither model.safetensors nor model.ckpt");
        }
        List<RepoRef> encoders = new ArrayList<>();
        for (TextEncoderNeed need : TextEncoderNeed.of(modelConfig)) {
            List<String> shipped = info.siblings().stream().map(RevisionInfo.Sibling::path)
                    .filter(p -> p.startsWith(need.subfolder() + "/")).toList();
            if (shipped.isEmpty()) {
                RepoRef enc = RepoRef.parse(need.repoId());
                if (!encoders.contains(enc)) {
                    encoders.add(enc);
                }
            } else {
                shipped.stream().filter(p -> !files.contains(p)).forEach(files::add);
            }
        }
        // a tokenizer/ folder goes with a shipped text_encoder/
        info.siblings().stream().map(RevisionInfo.Sibling::path)
                .filter(p -> p.startsWith("tokenizer/") && files.stream().anyMatch(f -> f.startsWith("text_encoder/")))
                .filter(p -> !files.contains(p)).forEach(files::add);
        return new PullPlan(List.copyOf(files), List.copyOf(encoders));
    }

    /** A text encoder repo's plan. */
    static PullPlan forEncoder(RepoRef ref, RevisionInfo info) {
        List<String> files = ENCODER_FILES.stream().filter(info::has).toList();
        if (!files.contains("config.json") || !files.contains("model.safetensors")) {
            throw new HubException(HubException.Reason.NOT_FOUND, ref + " is neither a Stable Audio model (no model_config.json) nor a "
                    + "text encoder with config.json and model.safetensors");
        }
        return new PullPlan(files, List.of());
    }
}
