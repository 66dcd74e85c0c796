package dev.longplay.models.golden;

import dev.longplay.models.sa3.same.SameAutoencoder;
import dev.longplay.models.sa3.same.SameConfig;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import dev.longplay.models.weights.SafetensorsFile;
import dev.longplay.models.weights.StateDict;

import java.util.Map;

/**
 * Golden {@code sa3_same_decode} (latents -> audio) and {@code sa3_same_encode} (audio -> latents): the
 * SA3 pretransform of the case's full-checkpoint config, weights under {@code pretransform.model.}.
 */
public final class SameGolden implements GoldenComponent {

    private final boolean encode;

    private SameGolden(boolean encode) {
        this.encode = encode;
    }

    public static SameGolden decode() {
        return new SameGolden(false);
    }

    public static SameGolden encode() {
        return new SameGolden(true);
    }

    @Override
    public String component() {
        return encode ? "sa3_same_encode" : "sa3_same_decode";
    }

    @Override
    public Map<String, NDArray> run(GoldenCase goldenCase, Map<String, NDArray> inputs, NDManager manager) {
        SameConfig config = SameConfig.load(goldenCase.modelDir().resolve("model_config.json"));
        try (SafetensorsFile file = SafetensorsFile.open(goldenCase.modelFile())) {
            StateDict sd = new StateDict(file, manager, DataType.FLOAT32);
            SameAutoencoder ae = SameAutoencoder.load(sd.scope("pretransform.model"), config, manager);
            return encode ? Map.of("latents", ae.encode(inputs.get("audio")))
                    : Map.of("audio", ae.decode(inputs.get("latents")));
        }
    }
}
