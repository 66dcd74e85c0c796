package dev.longplay.models.golden;

import dev.longplay.models.conditioning.ConditionerOutput;
import dev.longplay.models.conditioning.IntConditioner;
import dev.longplay.models.conditioning.NumberConditioner;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import dev.longplay.models.config.ConditioningConfig;
import dev.longplay.models.config.ModelConfig;
import dev.longplay.models.weights.CheckpointException;
import dev.longplay.models.weights.SafetensorsFile;
import dev.longplay.models.weights.StateDict;

import java.util.Map;

/**
 * Golden {@code number_conditioner} and {@code int_conditioner}: the conditioner named by case.json on the input
 * values (numbers, or whole numbers for a class).
 */
public final class ValueConditionerGolden implements GoldenComponent {

    private final String component;
    private final String type;

    private ValueConditionerGolden(String component, String type) {
        this.component = component;
        this.type = type;
    }

    public static ValueConditionerGolden number() {
        return new ValueConditionerGolden("number_conditioner", "number");
    }

    public static ValueConditionerGolden integer() {
        return new ValueConditionerGolden("int_conditioner", "int");
    }

    @Override
    public String component() {
        return component;
    }

    @Override
    public Map<String, NDArray> run(GoldenCase gc, Map<String, NDArray> inputs, NDManager manager) {
        ModelConfig cfg = gc.modelConfig();
        String id = gc.spec().path("conditioner_id").asText();
        ConditioningConfig.Conditioner c = cfg.model().conditioning().byId(id);
        if (c == null || !c.type().equals(type)) {
            throw new CheckpointException("case names " + type + " conditioner '" + id + "', which the config lacks");
        }
        try (SafetensorsFile file = SafetensorsFile.open(gc.modelFile())) {
            StateDict sd = new StateDict(file, manager, DataType.FLOAT32);
            ConditionerOutput out = GoldenConditioning.encode(c, sd, cfg.model().conditioning().condDim(),
                    inputs.get("values"), manager);
            return Map.of("embedding", out.tokens(), "mask", out.mask());
        }
    }
}
