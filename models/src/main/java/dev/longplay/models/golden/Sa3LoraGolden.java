package dev.longplay.models.golden;

import dev.longplay.models.sa3.lora.LoraAdapter;
import dev.longplay.models.sa3.lora.LoraWeights;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import com.fasterxml.jackson.databind.JsonNode;
import dev.longplay.models.sa3.Sa3Config;
import dev.longplay.models.sa3.dit.Sa3Dit;
import dev.longplay.models.weights.SafetensorsFile;
import dev.longplay.models.weights.StateDict;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Golden {@code sa3_dit_lora}: the DiT with the case's LoRA files stacked in order at their strengths. */
public final class Sa3LoraGolden implements GoldenComponent {

    @Override
    public String component() {
        return "sa3_dit_lora";
    }

    @Override
    public Map<String, NDArray> run(GoldenCase gc, Map<String, NDArray> in, NDManager manager) {
        Sa3Config cfg = Sa3Config.load(gc.modelDir().resolve("model_config.json"));
        List<LoraWeights.Applied> applied = new ArrayList<>();
        try (SafetensorsFile file = SafetensorsFile.open(gc.modelFile())) {
            for (JsonNode l : gc.spec().path("loras")) {
                applied.add(new LoraWeights.Applied(LoraAdapter.load(gc.dir().resolve(l.path("file").asText()), manager),
                        l.path("strength").asDouble(1.0)));
            }
            try {
                StateDict sd = new StateDict(new LoraWeights(file, applied), manager, DataType.FLOAT32);
                Sa3Dit dit = Sa3Dit.load(sd.scope("model.model"), cfg.dit());
                return Map.of("v", dit.forward(in.get("x"), in.get("t"), in.get("cross_attn_cond"), in.get("global_embed"),
                        in.get("local_add_cond"), null));
            } finally {
                applied.forEach(a -> a.adapter().close());
            }
        }
    }
}
