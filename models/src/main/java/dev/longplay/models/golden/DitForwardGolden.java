package dev.longplay.models.golden;

import dev.longplay.models.transformer.DiffusionTransformer;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import dev.longplay.models.conditioning.Conditioning;
import dev.longplay.models.config.ModelConfig;
import dev.longplay.models.weights.SafetensorsFile;
import dev.longplay.models.weights.StateDict;

import java.util.Map;

/** Golden {@code dit_forward}: v = DiT(x, t, conditioning) with the case's cfg_scale, batched CFG. */
public final class DitForwardGolden implements ReducedPrecisionComponent {

    @Override
    public String component() {
        return "dit_forward";
    }

    @Override
    public Map<String, NDArray> run(GoldenCase gc, Map<String, NDArray> inputs, NDManager manager, DataType precision) {
        ModelConfig cfg = gc.modelConfig();
        try (SafetensorsFile file = SafetensorsFile.open(gc.modelFile())) {
            StateDict sd = new StateDict(file, manager, precision);
            DiffusionTransformer dit = DiffusionTransformer.load(sd, cfg);
            Conditioning cond = GoldenConditioning.build(cfg, sd.withComputeType(DataType.FLOAT32), inputs, manager);
            double cfgScale = gc.spec().path("cfg_scale").asDouble(1.0);
            NDArray v = dit.bind(cond, null, cfgScale, manager).apply(inputs.get("x"), inputs.get("t"));
            return Map.of("v", v);
        }
    }
}
