package dev.longplay.models.training;

import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.JsonNode;
import dev.longplay.models.conditioning.PromptTempo;
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
        AddedConditionerFineTune f = AddedConditionerFineTune.run(tmp, 2, AddedConditioner.TEMPO);
        Map<String, float[]> before = f.started();
        Map<String, float[]> shipped = f.source();
        Path tuned = f.dir();
        List<String> added = before.keySet().stream().filter(k -> k.startsWith(AddedConditioner.TEMPO.checkpointPrefix()))
                .toList();
        assertFalse(added.isEmpty(), "the tempo conditioner has weights");
        assertEquals(shipped.size() + added.size(), before.size(), "and nothing else is new");
        float[] frequencies = before.get(TempoConditionerConfig.FREQUENCIES_KEY);
        assertArrayEquals(TempoConditionerConfig.spreadFrequencies(frequencies.length), frequencies, 0f);
        assertEquals(TempoConditionerConfig.HIGHEST_CYCLES, frequencies[frequencies.length - 1], 1e-4);

        JsonNode model = f.model();
        assertTrue(model.path("diffusion").path("cross_attention_cond_ids").toString().contains("\"bpm\""));
        assertEquals(TempoConditionerConfig.MAX_BPM, model.path("conditioning").path("configs")
                .findParents("id").stream().filter(c -> c.path("id").asText().equals("bpm")).findFirst()
                .orElseThrow().path("config").path("max_val").asInt());

        try (StableAudioPipeline p = StableAudioPipeline.load(ModelFiles.in(tuned), "tuned");
             NDManager m = NDManager.newBaseManager()) {
            // the tempo's own token: the same for one tempo however it is written, another for another tempo
            float[] at97 = tempo(f, p, "drum loop at 97 bpm", m);
            assertArrayEquals(at97, tempo(f, p, "Tempo 97, bright drum loop", m), 0f);
            assertFalse(Arrays.equals(at97, tempo(f, p, "drum loop at 151 bpm", m)), "97 and 151 differ");
            assertFalse(Arrays.equals(at97, tempo(f, p, "drum loop", m)), "a tempo and none differ");
            assertArrayEquals(tempo(f, p, "pad chords", m), tempo(f, p, "riser, dark", m), 0f);
            // neighbouring tempos are told apart before any training: one BPM moves the token by a good share of
            // what 70 -> 180 moves it (with the reference's N(0, 1) frequencies it is a few per cent)
            double oneBpm = distance(tempo(f, p, "97 bpm", m), tempo(f, p, "98 bpm", m));
            double wholeRange = distance(tempo(f, p, "70 bpm", m), tempo(f, p, "180 bpm", m));
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

    private static float[] tempo(AddedConditionerFineTune f, StableAudioPipeline p, String prompt, NDManager m) {
        return f.token(p, prompt, PromptTempo.CONDITIONER_ID, m);
    }
}
