package dev.longplay.models.sa3.same;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.longplay.models.config.ModelConfig;
import dev.longplay.models.golden.GoldenDirs;
import dev.longplay.models.weights.CheckpointException;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Parsing the SAME section of SA3 configs: the full-checkpoint and standalone layouts, and bad input. */
class SameConfigTest {

    private static JsonNode golden(String name) throws Exception {
        Path p = GoldenDirs.projectDir().resolve("models/src/test/resources/golden/" + name + "/model_config.json");
        return ModelConfig.JSON.readTree(Files.readString(p));
    }

    @Test
    void fullCheckpointLayout() throws Exception {
        SameConfig s = SameConfig.parse(golden("sa3_same_s_decode_chunked"), "s");
        assertTrue(s.chunked());
        assertEquals(16, s.patchSize());
        assertEquals(128, s.downsamplingRatio());
        assertTrue(s.decoder().chunkMidpointShift());
        assertNull(s.decoder().slidingWindow());
        assertArrayEquals(new int[]{0, 3}, s.decoder().sinusoidalBlocks());
        assertArrayEquals(new int[]{0, 0}, s.encoder().sinusoidalBlocks());
        SameConfig l = SameConfig.parse(golden("sa3_same_l_decode"), "l");
        assertFalse(l.chunked());
        assertArrayEquals(new int[]{2, 1}, l.decoder().slidingWindow());
        assertFalse(l.decoder().dyt());
    }

    @Test
    void standaloneLayout() throws Exception {
        JsonNode full = golden("sa3_same_s_decode");
        ObjectNode standalone = ModelConfig.JSON.createObjectNode();
        standalone.put("model_type", "autoencoder");
        standalone.put("sample_rate", 48000);
        standalone.set("model", full.path("model").path("pretransform").path("config"));
        SameConfig s = SameConfig.parse(standalone, "standalone");
        assertEquals(48000, s.sampleRate());
        assertEquals(6, s.latentDim());
        assertFalse(s.chunked());
    }

    @Test
    void badConfigsNameTheField() throws Exception {
        ObjectNode cfg = (ObjectNode) golden("sa3_same_s_decode");
        ObjectNode patch = (ObjectNode) cfg.path("model").path("pretransform").path("config").path("pretransform")
                .path("config");
        patch.remove("patch_size");
        CheckpointException e = assertThrows(CheckpointException.class, () -> SameConfig.parse(cfg, "x.json"));
        assertTrue(e.getMessage().contains("patch_size") && e.getMessage().contains("x.json"), e.getMessage());

        ObjectNode cfg2 = (ObjectNode) golden("sa3_same_s_decode");
        ((ObjectNode) cfg2.path("model").path("pretransform").path("config").path("decoder").path("config"))
                .put("layer_scale", true);
        e = assertThrows(CheckpointException.class, () -> SameConfig.parse(cfg2, "y.json"));
        assertTrue(e.getMessage().contains("layer_scale"), e.getMessage());

        ObjectNode cfg3 = (ObjectNode) golden("sa3_same_s_decode");
        ((ObjectNode) cfg3.path("model").path("pretransform").path("config")).put("downsampling_ratio", 4096);
        e = assertThrows(CheckpointException.class, () -> SameConfig.parse(cfg3, "z.json"));
        assertTrue(e.getMessage().contains("downsampling_ratio"), e.getMessage());
    }
}
