package dev.longplay.models.pipeline;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

/** A random-weight bench model is written once, reused while its shipped config is unchanged, rewritten after. */
class BenchModelTest {

    @TempDir
    Path cache;

    @Test
    void aChangedConfigRewritesTheModelAndAnUnchangedOneReusesIt() throws Exception {
        byte[] config = EmbeddedModel.resource("model_config.json");
        Path weights = BenchModel.random("t", config, cache).checkpoint();
        FileTime first = FileTime.fromMillis(1_000_000L);
        Files.setLastModifiedTime(weights, first);

        BenchModel.random("t", config, cache);
        assertEquals(first, Files.getLastModifiedTime(weights), "an unchanged config must reuse the weights");

        // the same shape with one field changed (as when a shipped bench config is fixed)
        String text = new String(config, StandardCharsets.UTF_8);
        byte[] changed = text.replaceFirst("\"sample_size\"\\s*:\\s*(\\d+)", "\"sample_size\": 1$1")
                .getBytes(StandardCharsets.UTF_8);
        assertNotEquals(text, new String(changed, StandardCharsets.UTF_8), "the test's edit must change the config");
        Path rewritten = BenchModel.random("t", changed, cache).checkpoint();
        assertNotEquals(first, Files.getLastModifiedTime(rewritten), "a changed config must rewrite the model");
        assertArrayEquals(changed, Files.readAllBytes(rewritten.resolveSibling("model_config.json")));
    }
}
