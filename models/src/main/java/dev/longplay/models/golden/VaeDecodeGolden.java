package dev.longplay.models.golden;

import dev.longplay.models.autoencoder.AudioAutoencoder;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import dev.longplay.models.weights.SafetensorsFile;
import dev.longplay.models.weights.StateDict;

import java.util.Map;

/** Golden {@code vae_decode}: audio = pretransform.decode(latents). */
public final class VaeDecodeGolden implements ReducedPrecisionComponent {

    @Override
    public String component() {
        return "vae_decode";
    }

    @Override
    public Map<String, NDArray> run(GoldenCase goldenCase, Map<String, NDArray> inputs, NDManager manager,
                                    DataType precision) {
        AudioAutoencoder ae = load(goldenCase, manager, precision);
        return Map.of("audio", ae.decode(inputs.get("latents")));
    }

    /** The case's pretransform, strictly checked against its config, in {@code precision}. */
    static AudioAutoencoder load(GoldenCase goldenCase, NDManager manager, DataType precision) {
        try (SafetensorsFile file = SafetensorsFile.open(goldenCase.modelFile())) {
            return AudioAutoencoder.load(new StateDict(file, manager, precision), goldenCase.modelConfig());
        }
    }
}
