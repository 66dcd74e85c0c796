package dev.longplay.models.pipeline;

import dev.longplay.models.conditioning.T5Conditioner;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code --low-memory}: the T5 encoder's weights are let go after each request and read again, results unchanged. */
class LowMemoryTest {

    @TempDir
    static Path cache;

    @Test
    void theTextEncoderIsFreedAfterEachRequestAndTheAudioIsTheSame() {
        var files = EmbeddedModel.ensure(cache);
        GenerationParams first = GenerationParams.builder().prompt("soft pad").negativePrompt("low quality")
                .seconds(0.8).seed(5).steps(2).cfgScale(6.0).keep(List.of()).build();
        GenerationParams second = GenerationParams.builder().prompt("bright pluck").seconds(0.8).seed(6).steps(2)
                .cfgScale(6.0).keep(List.of()).build();
        try (StableAudioPipeline plain = StableAudioPipeline.load(files, "plain");
             StableAudioPipeline saving = StableAudioPipeline.load(files, "saving")) {
            saving.setLowMemory(true);
            T5Conditioner t5 = (T5Conditioner) saving.conditioner("prompt");
            assertTrue(t5.encoderLoaded(), "loaded with the model");
            for (GenerationParams p : List.of(first, second)) {
                float[][] a = plain.generate(p, GenerationListener.NONE).samples();
                float[][] b = saving.generate(p, GenerationListener.NONE).samples();
                for (int c = 0; c < a.length; c++) {
                    assertArrayEquals(a[c], b[c], "channel " + c + " of '" + p.prompt() + "'");
                }
                assertFalse(t5.encoderLoaded(), "the encoder's weights stayed after '" + p.prompt() + "'");
            }
            // the first request used the weights loaded with the model; the second read them again
            assertEquals(2, t5.encoderLoads());
            assertTrue(((T5Conditioner) plain.conditioner("prompt")).encoderLoaded());
            assertEquals(1, ((T5Conditioner) plain.conditioner("prompt")).encoderLoads());
        }
    }
}
