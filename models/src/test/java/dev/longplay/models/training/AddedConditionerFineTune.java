package dev.longplay.models.training;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.JsonNode;
import dev.longplay.models.config.ModelConfig;
import dev.longplay.models.dataset.PromptVocabulary;
import dev.longplay.models.pipeline.StableAudioPipeline;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A fine-tune of the trained micro model ({@link TrainerTest#trainedMicroModel}) in the v2 vocabulary with conditioners
 * added, as {@code train --init-from ... --tempo-conditioner --key-conditioner} makes one: its folder, its weights as
 * the fine-tune started them and the source's, every one of which it has checked was kept, and the {@code model}
 * section of its config.
 */
record AddedConditionerFineTune(Path dir, Map<String, float[]> started, Map<String, float[]> source, JsonNode model) {

    /** Runs {@code steps} diffusion steps (every loss finite) in {@code tmp}/tuned from {@code tmp}/source. */
    static AddedConditionerFineTune run(Path tmp, int steps, AddedConditioner... added) throws IOException {
        Path source = TrainerTest.trainedMicroModel(tmp.resolve("source"));
        Path tuned = tmp.resolve("tuned");
        TrainingStart start = TrainingStart.fineTune(tuned, TrainerTest.recipe(0, steps), source)
                .withVocabulary(PromptVocabulary.V2);
        for (AddedConditioner c : added) {
            start = start.withConditioner(c);
        }
        Map<String, float[]> started;
        try (Trainer t = Trainer.start(start)) {
            started = TrainerTest.tensors(tuned.resolve("model.safetensors"));
            t.run((phase, step, total, loss, lr) -> assertTrue(Double.isFinite(loss)));
        }
        Map<String, float[]> kept = TrainerTest.tensors(source.resolve("model.safetensors"));
        // (weight norm is folded on loading and split again on saving, which may move the last bit)
        kept.forEach((k, v) -> assertArrayEquals(v, started.get(k), 1e-6f, "kept from the source: " + k));
        JsonNode model = ModelConfig.JSON.readTree(tuned.resolve("model_config.json").toFile()).path("model");
        return new AddedConditionerFineTune(tuned, started, kept, model);
    }

    /** The tuned weights after training. */
    Map<String, float[]> trained() {
        return TrainerTest.tensors(dir.resolve("model.safetensors"));
    }

    /**
     * {@code prompt}'s cross-attention token from conditioner {@code id}: the prompt's tokens come first, then one
     * token per number or int conditioner in the config's order, so it sits as far from the end as the ids after it.
     */
    float[] token(StableAudioPipeline p, String prompt, String id, NDManager m) {
        NDArray t = p.condition(List.of(prompt), 0, 1, m).crossAttnTokens();
        int n = Math.toIntExact(t.getShape().get(1));
        int w = Math.toIntExact(t.getShape().get(2));
        JsonNode ids = model.path("diffusion").path("cross_attention_cond_ids");
        int fromEnd = 0;
        for (int i = ids.size() - 1; i >= 0 && !ids.get(i).asText().equals(id); i--) {
            fromEnd++;
        }
        int at = n - 1 - fromEnd;
        return Arrays.copyOfRange(t.toFloatArray(), at * w, (at + 1) * w);
    }
}
