package dev.longplay.models.golden;

import dev.longplay.models.clap.ClapMel;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.longplay.models.config.ModelConfig;
import dev.longplay.models.weights.CheckpointException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/** Golden {@code clap_mel}: the front end of the case's {@code preprocessor_config.json} on {@code audio} -> {@code mel} [1, frames, bins]. */
public final class ClapMelGolden implements GoldenComponent {

    @Override
    public String component() {
        return "clap_mel";
    }

    @Override
    public Map<String, NDArray> run(GoldenCase gc, Map<String, NDArray> inputs, NDManager manager) {
        Path file = gc.dir().resolve("preprocessor_config.json");
        ClapMel mel;
        try {
            mel = new ClapMel(ClapMel.Config.fromJson(ModelConfig.JSON.readTree(Files.readString(file)), file.toString()));
        } catch (IOException e) {
            throw new CheckpointException("cannot read " + file + ": " + e.getMessage(), e);
        }
        List<float[][]> windows = mel.windows(inputs.get("audio").toFloatArray());
        if (windows.size() != 1) {
            throw new CheckpointException("golden audio must fit one window");
        }
        float[][] m = windows.get(0);
        float[] flat = new float[m.length * m[0].length];
        for (int i = 0; i < m.length; i++) {
            System.arraycopy(m[i], 0, flat, i * m[0].length, m[0].length);
        }
        return Map.of("mel", manager.create(flat, new Shape(1, m.length, m[0].length)));
    }
}
