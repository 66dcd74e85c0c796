package dev.longplay.models.training;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.JsonNode;
import dev.longplay.models.conditioning.PromptKey;
import dev.longplay.models.config.ModelConfig;
import dev.longplay.models.dataset.PromptVocabulary;
import dev.longplay.models.pipeline.GenerationListener;
import dev.longplay.models.pipeline.GenerationParams;
import dev.longplay.models.pipeline.StableAudioPipeline;
import dev.longplay.models.weights.ModelFiles;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A fine-tune that adds a key int conditioner beside a tempo one: every weight of the source is kept, the key's
 * table is new and trains, and the key a prompt names, however it is spelled, reaches the diffusion model as that
 * key's row of the table.
 */
class KeyConditionerTest {

    private static final String TABLE = AddedConditioner.KEY.checkpointPrefix() + "int_embedder.weight";

    @TempDir
    Path tmp;

    @Test
    void aFineTuneAddsAKeyTokenThatTrains() throws IOException {
        Path source = TrainerTest.trainedMicroModel(tmp.resolve("source"));
        Path tuned = tmp.resolve("tuned");
        Map<String, float[]> before;
        try (Trainer t = Trainer.start(TrainingStart.fineTune(tuned, TrainerTest.recipe(0, 3), source)
                .withVocabulary(PromptVocabulary.V2).withConditioner(AddedConditioner.KEY)
                .withConditioner(AddedConditioner.TEMPO))) {
            before = TrainerTest.tensors(tuned.resolve("model.safetensors"));
            t.run((phase, step, total, loss, lr) -> assertTrue(Double.isFinite(loss)));
        }
        Map<String, float[]> shipped = TrainerTest.tensors(source.resolve("model.safetensors"));
        shipped.forEach((k, v) -> assertArrayEquals(v, before.get(k), 1e-6f, "kept from the source: " + k));
        long added = before.keySet().stream().filter(k -> !shipped.containsKey(k)).count();
        long tempo = before.keySet().stream().filter(k -> k.startsWith(AddedConditioner.TEMPO.checkpointPrefix()))
                .count();
        assertEquals(tempo + 1, added, "the key's table and the tempo's weights are all that is new");
        float[] table = before.get(TABLE);
        JsonNode model = ModelConfig.JSON.readTree(tuned.resolve("model_config.json").toFile()).path("model");
        int width = model.path("conditioning").path("cond_dim").asInt();
        assertEquals((PromptKey.MAX + 1) * width, table.length, "a row for none and each of 24 keys");
        assertTrue(model.path("diffusion").path("cross_attention_cond_ids").toString().contains("\"key\""));

        float[] trained = TrainerTest.tensors(tuned.resolve("model.safetensors")).get(TABLE);
        assertFalse(Arrays.equals(table, trained), "the key's table learns");

        try (StableAudioPipeline p = StableAudioPipeline.load(ModelFiles.in(tuned), "tuned");
             NDManager m = NDManager.newBaseManager()) {
            // the key's token is its row of the table, however the key is written
            for (String prompt : new String[] {"pad chords, A minor, dark", "Am pad", "arp in a min",
                    "F# major lead", "G flat bass", "pad", "drum loop at 97 bpm"}) {
                int row = PromptKey.of(prompt);
                assertArrayEquals(Arrays.copyOfRange(trained, row * width, (row + 1) * width),
                        keyToken(p, prompt, model, m), 1e-6f, prompt);
            }
            assertFalse(Arrays.equals(keyToken(p, "A minor pad", model, m), keyToken(p, "C major pad", model, m)));
            assertEquals(2, p.generate(GenerationParams.builder().prompt("bass line in Gbm").seconds(0.256)
                    .seed(1).steps(2).build(), GenerationListener.NONE).samples().length);
        }
    }

    // the key's cross-attention token: at the key's place among the config's cross-attention ids
    private static float[] keyToken(StableAudioPipeline p, String prompt, JsonNode model, NDManager m) {
        NDArray t = p.condition(List.of(prompt), 0, 1, m).crossAttnTokens();
        int n = Math.toIntExact(t.getShape().get(1));
        int w = Math.toIntExact(t.getShape().get(2));
        JsonNode ids = model.path("diffusion").path("cross_attention_cond_ids");
        int fromEnd = 0;
        for (int i = ids.size() - 1; i >= 0 && !ids.get(i).asText().equals("key"); i--) {
            fromEnd++; // every conditioner after the key gives one token (the tempo)
        }
        int at = n - 1 - fromEnd;
        return Arrays.copyOfRange(t.toFloatArray(), at * w, (at + 1) * w);
    }
}
