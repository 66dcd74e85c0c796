package dev.longplay.server.render;

import dev.longplay.server.jobs.RenderException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * An SA3 folder (T5Gemma-conditioned model_config.json) takes the SA3 pipeline through the same renderer the CLI
 * and server use: a folder whose model_config.json has no SAME section (the golden DiT case's) is refused with a
 * message naming SAME, not a crash. Generation through that path with a real SAME is Sa3SamePipelineTest's (models).
 */
class Sa3DispatchTest {

    @Test
    void sa3FolderReachesTheSa3Pipeline(@TempDir Path tmp) throws Exception {
        Path golden = Path.of("../models/src/test/resources/golden");
        Path dir = Files.createDirectories(tmp.resolve("sa3/t5gemma-b-b-ul2"));
        Path root = dir.getParent();
        Files.copy(golden.resolve("sa3_sample_pingpong/model_config.json"), root.resolve("model_config.json"));
        Files.copy(golden.resolve("sa3_sample_pingpong/model.safetensors"), root.resolve("model.safetensors"));
        Files.copy(golden.resolve("sa3_t5gemma/config.json"), dir.resolve("config.json"));
        Files.copy(golden.resolve("sa3_t5gemma/model.safetensors"), dir.resolve("model.safetensors"));
        Files.copy(Path.of("../models/src/test/resources/sa3/tiny_wordlevel_tokenizer.json"), dir.resolve("tokenizer.json"));
        try (ModelClipRenderer r = new ModelClipRenderer(root.toString(), tmp.resolve("cache"))) {
            RenderException e = assertThrows(RenderException.class, () -> r.load(null, (s, a, b) -> { }));
            assertEquals(RenderException.Kind.MODEL_UNAVAILABLE, e.kind());
            assertTrue(e.getMessage().contains("SAME"), e.getMessage());
        }
    }
}
