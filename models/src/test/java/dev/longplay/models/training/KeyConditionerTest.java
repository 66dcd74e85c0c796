package dev.longplay.models.training;

import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.JsonNode;
import dev.longplay.models.conditioning.PromptKey;
import dev.longplay.models.pipeline.GenerationListener;
import dev.longplay.models.pipeline.GenerationParams;
import dev.longplay.models.pipeline.StableAudioPipeline;
import dev.longplay.models.weights.ModelFiles;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;

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
        AddedConditionerFineTune f = AddedConditionerFineTune.run(tmp, 3, AddedConditioner.KEY, AddedConditioner.TEMPO);
        long added = f.started().keySet().stream().filter(k -> !f.source().containsKey(k)).count();
        long tempo = f.started().keySet().stream().filter(k -> k.startsWith(AddedConditioner.TEMPO.checkpointPrefix()))
                .count();
        assertEquals(tempo + 1, added, "the key's table and the tempo's weights are all that is new");
        float[] table = f.started().get(TABLE);
        JsonNode model = f.model();
        int width = model.path("conditioning").path("cond_dim").asInt();
        assertEquals((PromptKey.MAX + 1) * width, table.length, "a row for none and each of 24 keys");
        assertTrue(model.path("diffusion").path("cross_attention_cond_ids").toString().contains("\"key\""));

        float[] trained = f.trained().get(TABLE);
        assertFalse(Arrays.equals(table, trained), "the key's table learns");

        try (StableAudioPipeline p = StableAudioPipeline.load(ModelFiles.in(f.dir()), "tuned");
             NDManager m = NDManager.newBaseManager()) {
            // the key's token is its row of the table, however the key is written
            for (String prompt : new String[] {"pad chords, A minor, dark", "Am pad", "arp in a min",
                    "F# major lead", "G flat bass", "pad", "drum loop at 97 bpm"}) {
                int row = PromptKey.of(prompt);
                assertArrayEquals(Arrays.copyOfRange(trained, row * width, (row + 1) * width),
                        f.token(p, prompt, PromptKey.CONDITIONER_ID, m), 1e-6f, prompt);
            }
            assertFalse(Arrays.equals(f.token(p, "A minor pad", PromptKey.CONDITIONER_ID, m),
                    f.token(p, "C major pad", PromptKey.CONDITIONER_ID, m)));
            assertEquals(2, p.generate(GenerationParams.builder().prompt("bass line in Gbm").seconds(0.256)
                    .seed(1).steps(2).build(), GenerationListener.NONE).samples().length);
        }
    }
}
