package dev.longplay.models.config;

import dev.longplay.models.golden.GoldenCase;
import dev.longplay.models.golden.GoldenDirs;
import dev.longplay.models.weights.CheckpointException;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ModelConfigTest {

    /** The golden cases' config is in the official schema: every part Longplay reads comes through. */
    @Test
    void readsTheOfficialSchema() throws Exception {
        Path file = GoldenCase.open(GoldenDirs.ownCase("dit_forward_cfg6")).modelDir().resolve("model_config.json");
        ModelConfig c = ModelConfig.load(file);
        assertEquals("diffusion_cond", c.modelType());
        assertEquals(44100, c.sampleRate());
        assertEquals("oobleck", c.autoencoder().decoder().type());
        assertEquals(c.autoencoder().downsamplingRatio(), 8);
        assertEquals("v", c.model().diffusion().objective());
        assertEquals(3, c.model().conditioning().configs().size());
        assertEquals(c.sampleRate() / 8.0, c.latentRate());
    }

    @Test
    void unknownModelTypeIsNamed() {
        CheckpointException e = assertThrows(CheckpointException.class, () -> ModelConfig.parse(
                "{\"model_type\":\"lm\",\"sample_size\":1,\"sample_rate\":1,\"audio_channels\":1,\"model\":{}}", "x.json"));
        assertTrue(e.getMessage().contains("unknown model type 'lm'"), e.getMessage());
    }

    @Test
    void brokenJsonAndMissingFileAreNamed() {
        CheckpointException bad = assertThrows(CheckpointException.class, () -> ModelConfig.parse("{\"model_type\": ", "y.json"));
        assertTrue(bad.getMessage().contains("y.json"), bad.getMessage());
        CheckpointException missing = assertThrows(CheckpointException.class,
                () -> ModelConfig.load(Path.of("/nonexistent/model_config.json")));
        assertTrue(missing.getMessage().startsWith("missing file"), missing.getMessage());
    }

    @Test
    void unsupportedPretransformIsNamed() throws Exception {
        String json = Files.readString(GoldenCase.open(GoldenDirs.ownCase("vae_decode")).modelDir().resolve("model_config.json"))
                .replaceFirst("\"type\": \"autoencoder\"", "\"type\": \"wavelet\"");
        CheckpointException e = assertThrows(CheckpointException.class, () -> ModelConfig.parse(json, "z.json"));
        assertTrue(e.getMessage().contains("wavelet"), e.getMessage());
    }
}
