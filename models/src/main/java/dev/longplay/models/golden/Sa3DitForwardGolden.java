package dev.longplay.models.golden;

import dev.longplay.models.sa3.dit.DitInputs;
import dev.longplay.models.sa3.dit.GuidedVelocity;
import dev.longplay.models.sa3.dit.Sa3Dit;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import dev.longplay.models.sa3.Sa3Config;
import dev.longplay.models.weights.SafetensorsFile;
import dev.longplay.models.weights.StateDict;

import java.util.Map;

/** Golden {@code sa3_dit_forward}: v = DiT(x, t, conditioning, padding mask) with the case's cfg and APG scales. */
public final class Sa3DitForwardGolden implements ReducedPrecisionComponent {

    @Override
    public String component() {
        return "sa3_dit_forward";
    }

    @Override
    public Map<String, NDArray> run(GoldenCase gc, Map<String, NDArray> in, NDManager manager, DataType precision) {
        Sa3Config cfg = Sa3Config.load(gc.modelDir().resolve("model_config.json"));
        try (SafetensorsFile file = SafetensorsFile.open(gc.modelFile())) {
            Sa3Dit dit = Sa3Dit.load(new StateDict(file, manager, precision).scope("model.model"), cfg.dit());
            GuidedVelocity v = new GuidedVelocity(dit, gc.spec().path("cfg_scale").asDouble(1.0),
                    gc.spec().path("apg_scale").asDouble(1.0));
            DitInputs inputs = new DitInputs(in.get("cross_attn_cond"), in.get("global_embed"), in.get("local_add_cond"),
                    in.get("padding_mask"));
            return Map.of("v", v.apply(in.get("x"), in.get("t"), inputs));
        }
    }
}
