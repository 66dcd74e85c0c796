package dev.longplay.models.transformer;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

/** The reference's ScaledSinusoidalEmbedding table: sines then cosines of p·θ^(−j/half), values worked by hand. */
class SinusoidalPositionsTest {

    @Test
    void sinesThenCosinesOfPositionTimesFrequencyThetaToTheMinusJOverHalf() {
        // dim 4: frequencies 1 and 10000^(-1/2) = 0.01
        float[] expected = {
                0f, 0f, 1f, 1f,
                0.84147098f, 0.00999983f, 0.54030231f, 0.99995000f,
                0.90929743f, 0.01999867f, -0.41614684f, 0.99980001f,
        };
        try (NDManager m = NDManager.newBaseManager("PyTorch");
             NDArray small = SinusoidalPositions.table(m, 3, 4, 10000);
             NDArray wide = SinusoidalPositions.table(m, 4, 8, 10000)) {
            assertArrayEquals(new long[] {1, 3, 4}, small.getShape().getShape());
            assertArrayEquals(expected, small.toFloatArray(), 1e-6f);
            // dim 8: frequencies 1, 0.1, 0.01, 0.001; position 3
            float[] row3 = new float[8];
            System.arraycopy(wide.toFloatArray(), 24, row3, 0, 8);
            assertArrayEquals(new float[] {0.14112001f, 0.29552021f, 0.02999550f, 0.00299999f,
                    -0.98999250f, 0.95533649f, 0.99955003f, 0.99999550f}, row3, 1e-6f);
        }
    }
}
