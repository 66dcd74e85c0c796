package dev.longplay.models.golden;

import dev.longplay.models.conditioning.T5Config;
import dev.longplay.models.conditioning.T5Encoder;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import dev.longplay.models.weights.CheckpointException;
import dev.longplay.models.weights.SafetensorsFile;
import dev.longplay.models.weights.StateDict;

import java.util.Map;

/**
 * Golden {@code t5_encoder}: Hugging Face's T5EncoderModel from the case's {@code config.json} and
 * {@code model.safetensors} on {@code input_ids} / {@code attention_mask} [B, N] -> {@code last_hidden_state}.
 */
public final class T5EncoderGolden implements GoldenComponent {

    @Override
    public String component() {
        return "t5_encoder";
    }

    @Override
    public Map<String, NDArray> run(GoldenCase gc, Map<String, NDArray> inputs, NDManager manager) {
        T5Config config = T5Config.load(gc.modelDir().resolve("config.json"));
        long[][] ids = rows(inputs, "input_ids");
        long[][] mask = rows(inputs, "attention_mask");
        try (SafetensorsFile file = SafetensorsFile.open(gc.modelFile());
             T5Encoder encoder = T5Encoder.load(new StateDict(file, manager.newSubManager(), DataType.FLOAT32), config)) {
            return Map.of("last_hidden_state", encoder.encode(ids, mask, manager));
        }
    }

    // A [B, N] float tensor of whole numbers as long rows.
    private static long[][] rows(Map<String, NDArray> inputs, String name) {
        NDArray a = inputs.get(name);
        if (a == null || a.getShape().dimension() != 2) {
            throw new CheckpointException("golden inputs need '" + name + "' of shape [B, N]");
        }
        int b = (int) a.getShape().get(0);
        int n = (int) a.getShape().get(1);
        float[] flat = a.toFloatArray();
        long[][] out = new long[b][n];
        for (int i = 0; i < b; i++) {
            for (int j = 0; j < n; j++) {
                out[i][j] = Math.round(flat[i * n + j]);
            }
        }
        return out;
    }
}
