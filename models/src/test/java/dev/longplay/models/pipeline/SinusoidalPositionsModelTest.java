package dev.longplay.models.pipeline;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.longplay.models.config.ModelConfig;
import dev.longplay.models.weights.ModelFiles;
import dev.longplay.models.weights.SafetensorsFile;
import dev.longplay.models.weights.SafetensorsWriter;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/**
 * A DiT config with the reference's {@code use_sinusoidal_emb} loads with its one learnt scale
 * ({@code transformer.pos_emb.scale}, starting at dim^-1/2); at scale zero it generates exactly what the same
 * weights without the option do, and at its initial scale something else.
 */
class SinusoidalPositionsModelTest {

    private static final String SCALE_KEY = "model.model.transformer.pos_emb.scale";

    @Test
    void theScaledTableIsAddedToTheSequenceAndNothingElseChanges(@TempDir Path tmp) throws Exception {
        Path plain = tmp.resolve("plain");
        Path placed = tmp.resolve("placed");
        byte[] config = EmbeddedModel.resource("model_config.json");
        ObjectNode withPositions = (ObjectNode) ModelConfig.JSON.readTree(config);
        ((ObjectNode) withPositions.path("model").path("diffusion").path("config")).put("use_sinusoidal_emb", true);
        byte[] t5 = EmbeddedModel.resource("text_encoder_config.json");
        byte[] tokenizer = EmbeddedModel.resource("tokenizer.json");
        SyntheticModel.write(plain, config, t5, tokenizer, 7);
        SyntheticModel.write(placed, ModelConfig.JSON.writeValueAsBytes(withPositions), t5, tokenizer, 7);

        Map<String, long[]> shapes = new LinkedHashMap<>();
        Map<String, float[]> values = new LinkedHashMap<>();
        try (NDManager m = NDManager.newBaseManager("PyTorch");
             SafetensorsFile f = SafetensorsFile.open(placed.resolve("model.safetensors"))) {
            for (String k : f.keys()) {
                try (NDArray a = f.load(m, k, (ai.djl.ndarray.types.DataType) null)) {
                    shapes.put(k, a.getShape().getShape());
                    values.put(k, a.toFloatArray());
                }
            }
        }
        int embedDim = withPositions.path("model").path("diffusion").path("config").path("embed_dim").asInt();
        assertArrayEquals(new float[] {(float) (1 / Math.sqrt(embedDim))}, values.get(SCALE_KEY), 1e-7f);

        float[] without = generate(plain);
        float[] initial = generate(placed);
        assertFalse(java.util.Arrays.equals(without, initial), "positions change the prediction");
        values.put(SCALE_KEY, new float[] {0f});
        SafetensorsWriter.write(placed.resolve("model.safetensors"), shapes, values::get);
        assertArrayEquals(without, generate(placed), 1e-6f);

        // the other weights are the plain model's: only the one scale was added
        try (SafetensorsFile f = SafetensorsFile.open(plain.resolve("model.safetensors"))) {
            assertEquals(shapes.size() - 1, f.keys().size());
            assertFalse(f.keys().contains(SCALE_KEY));
        }
    }

    private static float[] generate(Path dir) {
        try (StableAudioPipeline p = StableAudioPipeline.load(ModelFiles.in(dir), "m")) {
            GenerationParams params = new GenerationParams("drum loop, 120 BPM", "", 0.5, 0, 3, 4, 6.0, null, null,
                    null, null, null, null, null, null);
            return p.generate(params, GenerationListener.NONE).samples()[0];
        }
    }
}
