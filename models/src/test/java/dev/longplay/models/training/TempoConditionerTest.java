package dev.longplay.models.training;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.JsonNode;
import dev.longplay.models.config.ModelConfig;
import dev.longplay.models.dataset.PromptVocabulary;
import dev.longplay.models.pipeline.GenerationListener;
import dev.longplay.models.pipeline.GenerationParams;
import dev.longplay.models.pipeline.StableAudioPipeline;
import dev.longplay.models.weights.ModelFiles;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A fine-tune that adds a tempo number conditioner: every weight of the source is kept, the conditioner is new, and
 * the tempo a prompt names reaches the diffusion model as its own token.
 */
class TempoConditionerTest {

    @TempDir
    Path tmp;

    @Test
    void aFineTuneAddsATempoTokenAndKeepsEveryOtherWeight() throws IOException {
        Path source = TrainerTest.trainedMicroModel(tmp.resolve("source"));
        Path tuned = tmp.resolve("tuned");
        Map<String, float[]> before;
        try (Trainer t = Trainer.start(TrainingStart.fineTune(tuned, TrainerTest.recipe(0, 2), source)
                .withVocabulary(PromptVocabulary.V2).withConditioner(AddedConditioner.TEMPO))) {
            before = TrainerTest.tensors(tuned.resolve("model.safetensors"));
            t.run((phase, step, total, loss, lr) -> assertTrue(Double.isFinite(loss)));
        }
        Map<String, float[]> shipped = TrainerTest.tensors(source.resolve("model.safetensors"));
        // (weight norm is folded on loading and split again on saving, which may move the last bit)
        shipped.forEach((k, v) -> assertArrayEquals(v, before.get(k), 1e-6f, "kept from the source: " + k));
        List<String> added = before.keySet().stream().filter(k -> k.startsWith(AddedConditioner.TEMPO.checkpointPrefix()))
                .toList();
        assertFalse(added.isEmpty(), "the tempo conditioner has weights");
        assertEquals(shipped.size() + added.size(), before.size(), "and nothing else is new");
        float[] frequencies = before.get(TempoConditionerConfig.FREQUENCIES_KEY);
        assertArrayEquals(TempoConditionerConfig.spreadFrequencies(frequencies.length), frequencies, 0f);
        assertEquals(TempoConditionerConfig.HIGHEST_CYCLES, frequencies[frequencies.length - 1], 1e-4);

        JsonNode model = ModelConfig.JSON.readTree(tuned.resolve("model_config.json").toFile()).path("model");
        assertTrue(model.path("diffusion").path("cross_attention_cond_ids").toString().contains("\"bpm\""));
        assertEquals(TempoConditionerConfig.MAX_BPM, model.path("conditioning").path("configs")
                .findParents("id").stream().filter(c -> c.path("id").asText().equals("bpm")).findFirst()
                .orElseThrow().path("config").path("max_val").asInt());

        try (StableAudioPipeline p = StableAudioPipeline.load(ModelFiles.in(tuned), "tuned");
             NDManager m = NDManager.newBaseManager()) {
            // the tempo's own token: the same for one tempo however it is written, another for another tempo
            float[] at97 = tempoToken(p, "drum loop at 97 bpm", m);
            assertArrayEquals(at97, tempoToken(p, "Tempo 97, bright drum loop", m), 0f);
            assertFalse(Arrays.equals(at97, tempoToken(p, "drum loop at 151 bpm", m)), "97 and 151 differ");
            assertFalse(Arrays.equals(at97, tempoToken(p, "drum loop", m)), "a tempo and none differ");
            assertArrayEquals(tempoToken(p, "pad chords", m), tempoToken(p, "riser, dark", m), 0f);
            // neighbouring tempos are told apart before any training: one BPM moves the token by a good share of
            // what 70 -> 180 moves it (with the reference's N(0, 1) frequencies it is a few per cent)
            double oneBpm = distance(tempoToken(p, "97 bpm", m), tempoToken(p, "98 bpm", m));
            double wholeRange = distance(tempoToken(p, "70 bpm", m), tempoToken(p, "180 bpm", m));
            assertTrue(oneBpm > 0.25 * wholeRange, "one BPM " + oneBpm + " against 70-180 " + wholeRange);
            assertEquals(2, p.generate(GenerationParams.builder().prompt("drum loop at 97 bpm").seconds(0.256)
                    .seed(1).steps(2).build(), GenerationListener.NONE).samples().length);
        }
        assertThrows(IllegalArgumentException.class, () -> Trainer.start(TrainingStart.fineTune(tmp.resolve("twice"),
                TrainerTest.recipe(0, 1), tuned).withConditioner(AddedConditioner.TEMPO)), "a model conditions on one tempo");
        assertFalse(Files.exists(tmp.resolve("twice").resolve("model.safetensors")));
    }

    private static double distance(float[] a, float[] b) {
        double sum = 0;
        for (int i = 0; i < a.length; i++) {
            sum += (a[i] - b[i]) * (double) (a[i] - b[i]);
        }
        return Math.sqrt(sum);
    }

    // the last cross-attention token of one prompt: the tempo's (it comes last in the config)
    private static float[] tempoToken(StableAudioPipeline p, String prompt, NDManager m) {
        NDArray t = p.condition(List.of(prompt), 0, 1, m).crossAttnTokens();
        int n = Math.toIntExact(t.getShape().get(1));
        int w = Math.toIntExact(t.getShape().get(2));
        return Arrays.copyOfRange(t.toFloatArray(), (n - 1) * w, n * w);
    }
}
