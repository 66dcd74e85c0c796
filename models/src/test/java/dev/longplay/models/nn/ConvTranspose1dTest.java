package dev.longplay.models.nn;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The polyphase transposed conv against PyTorch's definition written out as a scatter:
 * full[b, o, i*s + k] += x[b, c, i] * w[c, o, k], then crop p on each side. Covers strides and kernels the
 * golden cases do not (odd strides, kernels that are not a multiple of the stride).
 */
class ConvTranspose1dTest {

    @ParameterizedTest
    @CsvSource({"2, 4, 1", "3, 6, 2", "5, 10, 3", "4, 7, 1", "8, 16, 4", "1, 3, 0"})
    void matchesTheDefinition(int stride, int kernel, int padding) {
        int batch = 2;
        int in = 3;
        int out = 2;
        int length = 5;
        try (NDManager m = NDManager.newBaseManager()) {
            Engine.getInstance().setRandomSeed(stride * 31 + kernel);
            NDArray x = m.randomNormal(new Shape(batch, in, length));
            NDArray w = m.randomNormal(new Shape(in, out, kernel));
            NDArray b = m.randomNormal(new Shape(out));
            NDArray y = new ConvTranspose1d(w, b, stride, padding).forward(x);

            float[] xs = x.toFloatArray();
            float[] ws = w.toFloatArray();
            float[] bs = b.toFloatArray();
            int fullLength = (length - 1) * stride + kernel;
            int outLength = fullLength - 2 * padding;
            float[] expected = new float[batch * out * outLength];
            for (int bi = 0; bi < batch; bi++) {
                for (int o = 0; o < out; o++) {
                    double[] full = new double[fullLength];
                    for (int c = 0; c < in; c++) {
                        for (int i = 0; i < length; i++) {
                            for (int k = 0; k < kernel; k++) {
                                full[i * stride + k] += xs[(bi * in + c) * length + i] * ws[(c * out + o) * kernel + k];
                            }
                        }
                    }
                    for (int n = 0; n < outLength; n++) {
                        expected[(bi * out + o) * outLength + n] = (float) (full[n + padding] + bs[o]);
                    }
                }
            }
            assertEquals(new Shape(batch, out, outLength), y.getShape());
            assertArrayEquals(expected, y.toFloatArray(), 1e-5f);
        }
    }
}
