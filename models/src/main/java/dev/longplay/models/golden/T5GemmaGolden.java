package dev.longplay.models.golden;

import dev.longplay.models.sa3.text.T5GemmaConfig;
import dev.longplay.models.sa3.text.T5GemmaEncoder;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import dev.longplay.models.weights.SafetensorsFile;
import dev.longplay.models.weights.StateDict;

import java.util.Map;

/** Golden {@code sa3_t5gemma}: T5GemmaEncoderModel(input_ids, attention_mask).last_hidden_state. */
public final class T5GemmaGolden implements GoldenComponent {

    @Override
    public String component() {
        return "sa3_t5gemma";
    }

    @Override
    public Map<String, NDArray> run(GoldenCase gc, Map<String, NDArray> in, NDManager manager) {
        T5GemmaConfig cfg = T5GemmaConfig.load(gc.modelDir().resolve("config.json"));
        try (SafetensorsFile file = SafetensorsFile.open(gc.modelFile())) {
            T5GemmaEncoder enc = T5GemmaEncoder.load(new StateDict(file, manager, DataType.FLOAT32), cfg);
            return Map.of("last_hidden_state", enc.forward(in.get("input_ids"), in.get("attention_mask")));
        }
    }
}
