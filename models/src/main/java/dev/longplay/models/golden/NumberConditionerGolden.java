package dev.longplay.models.golden;

import dev.longplay.models.conditioning.Conditioner;
import dev.longplay.models.conditioning.ConditionerOutput;
import dev.longplay.models.conditioning.NumberConditioner;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import dev.longplay.models.config.ConditioningConfig;
import dev.longplay.models.config.ModelConfig;
import dev.longplay.models.weights.CheckpointException;
import dev.longplay.models.weights.SafetensorsFile;
import dev.longplay.models.weights.StateDict;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Golden {@code number_conditioner}: the conditioner named by case.json on the input values. */
public final class NumberConditionerGolden implements GoldenComponent {

    @Override
    public String component() {
        return "number_conditioner";
    }

    @Override
    public Map<String, NDArray> run(GoldenCase gc, Map<String, NDArray> inputs, NDManager manager) {
        ModelConfig cfg = gc.modelConfig();
        String id = gc.spec().path("conditioner_id").asText();
        ConditioningConfig.Conditioner c = cfg.model().conditioning().byId(id);
        if (c == null) {
            throw new CheckpointException("case names conditioner '" + id + "', which the config lacks");
        }
        List<Float> values = new ArrayList<>();
        for (float v : inputs.get("values").toFloatArray()) {
            values.add(v);
        }
        try (SafetensorsFile file = SafetensorsFile.open(gc.modelFile())) {
            StateDict sd = new StateDict(file, manager, DataType.FLOAT32);
            ConditionerOutput out = NumberConditioner.fromConfig(c, sd, cfg.model().conditioning().condDim())
                    .encode(values, manager);
            return Map.of("embedding", out.tokens(), "mask", out.mask());
        }
    }
}
