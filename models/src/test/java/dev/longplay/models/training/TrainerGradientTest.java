package dev.longplay.models.training;

import ai.djl.ndarray.NDArray;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The gradients training steps on are right: for the autoencoder's layers of every kind (convolutions with and
 * without stride, the transposed-conv upsampler, Snake, the VAE bottleneck) autograd agrees with central finite
 * differences of the same loss. The training forward paths are hand-built (matmul convolutions, polyphase
 * transposed convs), so this is their check against a definition, not against themselves.
 */
class TrainerGradientTest {

    @TempDir
    Path tmp;

    @Test
    void autoencoderGradientsMatchFiniteDifferences() throws IOException {
        try (Trainer t = TrainerTest.start(tmp.resolve("run"), TrainerTest.recipe(4, 0))) {
            // a few steps first, so the check is not made at the initialisation's special values
            for (int i = 0; i < 3; i++) {
                t.autoencoderStep();
            }
            long index = 5;
            Map<String, float[]> gradients = t.autoencoderGradients(index);
            Map<String, NDArray> params = t.parameters();
            String[] keys = {
                    "pretransform.model.encoder.layers.0.weight",            // input conv
                    "pretransform.model.encoder.layers.1.layers.4.weight",   // strided downsampling conv
                    "pretransform.model.encoder.layers.1.layers.0.layers.0.alpha", // Snake
                    "pretransform.model.decoder.layers.1.layers.1.weight",   // transposed-conv upsampler
                    "pretransform.model.decoder.layers.1.layers.2.layers.1.weight", // residual unit conv
            };
            int checked = 0;
            for (String key : keys) {
                assertTrue(params.containsKey(key), key + " is not a parameter: " + params.keySet());
                float[] g = gradients.get(key);
                int i = 0;
                for (int j = 1; j < g.length; j++) {
                    if (Math.abs(g[j]) > Math.abs(g[i])) {
                        i = j;
                    }
                }
                NDArray p = params.get(key);
                float[] w = p.toFloatArray();
                // a step that moves the float32 loss by about 1e-3, far above its rounding, yet small for the weight
                double h = Math.min(0.05 * Math.max(1, Math.abs(w[i])), 1e-3 / Math.max(1e-9, Math.abs(g[i])));
                float[] plus = w.clone();
                plus[i] += (float) h;
                p.set(plus);
                double up = t.autoencoderLoss(index);
                float[] minus = w.clone();
                minus[i] -= (float) h;
                p.set(minus);
                double down = t.autoencoderLoss(index);
                p.set(w);
                double numeric = (up - down) / (plus[i] - minus[i]);
                assertEquals(numeric, g[i], 0.05 * Math.abs(numeric) + 2e-5, key + "[" + i + "]");
                checked++;
            }
            assertEquals(keys.length, checked);
        }
    }
}
