package dev.longplay.models.sa3;

import dev.longplay.models.pipeline.GenerationListener;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code --low-memory} on SA3: T5Gemma's weights are let go after each request and read again, results unchanged. */
class Sa3LowMemoryTest {

    @Test
    void t5GemmaIsFreedAfterEachRequestAndTheAudioIsTheSame(@TempDir Path tmp) throws Exception {
        Path dir = TinySa3Model.write(tmp.resolve("tiny"));
        try (Sa3Pipeline plain = TinySa3Model.load(dir); Sa3Pipeline saving = TinySa3Model.load(dir)) {
            saving.setLowMemory(true);
            for (String prompt : new String[]{"warm ambient pad", "fast kick snare"}) {
                var p = Sa3PipelineTest.params(prompt, 1.0, 7, null, null, null);
                float[][] a = plain.generate(p, GenerationListener.NONE).samples();
                float[][] b = saving.generate(p, GenerationListener.NONE).samples();
                for (int c = 0; c < a.length; c++) {
                    assertArrayEquals(a[c], b[c], "channel " + c + " of '" + prompt + "'");
                }
                assertFalse(saving.textEncoder().isLoaded(), "T5Gemma's weights stayed after '" + prompt + "'");
            }
            assertTrue(plain.textEncoder().isLoaded());
        }
    }
}
