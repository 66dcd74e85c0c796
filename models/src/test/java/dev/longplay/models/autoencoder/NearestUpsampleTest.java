package dev.longplay.models.autoencoder;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.longplay.models.nn.Conv1d;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

/**
 * {@code use_nearest_upsample} (no golden case uses it) against its definition: repeat each frame s times,
 * then a kernel-2s conv with PyTorch's padding='same', which puts (K-1)/2 = s-1 zeros on the left.
 */
class NearestUpsampleTest {

    @ParameterizedTest
    @ValueSource(ints = {1, 2, 3, 4})
    void matchesTheDefinition(int stride) {
        int in = 3;
        int out = 2;
        int length = 4;
        int kernel = 2 * stride;
        try (NDManager m = NDManager.newBaseManager()) {
            Engine.getInstance().setRandomSeed(stride);
            NDArray x = m.randomNormal(new Shape(1, in, length));
            NDArray w = m.randomNormal(new Shape(out, in, kernel));
            NDArray y = new NearestUpsample(new Conv1d(w, null, 1, 0, 1), stride).forward(x);

            float[] xs = x.toFloatArray();
            float[] ws = w.toFloatArray();
            int upLength = length * stride;
            int left = (kernel - 1) / 2;
            float[] expected = new float[out * upLength];
            for (int o = 0; o < out; o++) {
                for (int n = 0; n < upLength; n++) {
                    double acc = 0;
                    for (int c = 0; c < in; c++) {
                        for (int k = 0; k < kernel; k++) {
                            int j = n + k - left;
                            if (j >= 0 && j < upLength) {
                                acc += ws[(o * in + c) * kernel + k] * xs[c * length + j / stride];
                            }
                        }
                    }
                    expected[o * upLength + n] = (float) acc;
                }
            }
            assertArrayEquals(expected, y.toFloatArray(), 1e-5f);
        }
    }
}
