package dev.longplay.models.sa3.same;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The blocked sliding-window attention against dense attention under the same band mask. */
class BandAttentionTest {

    @Test
    void blockedBandEqualsDenseMaskedAttention() {
        int[][] windows = {{2, 1}, {3, 3}, {0, 4}, {5, 0}, {1, 1}};
        int[] lengths = {1, 7, 16, 23};
        try (NDManager m = NDManager.newBaseManager()) {
            m.getEngine().setRandomSeed(5);
            for (int[] w : windows) {
                for (int n : lengths) {
                    NDArray q = m.randomNormal(new Shape(2, 3, n, 4));
                    NDArray k = m.randomNormal(new Shape(2, 3, n, 4));
                    NDArray v = m.randomNormal(new Shape(2, 3, n, 4));
                    NDArray blocked = BandAttention.attend(q, k, v, w[0], w[1]);
                    NDArray dense = dense(q, k, v, w[0], w[1]);
                    assertEquals(dense.getShape(), blocked.getShape());
                    float err = blocked.sub(dense).abs().max().getFloat();
                    assertTrue(err < 1e-5f, "window " + w[0] + "," + w[1] + " n " + n + ": " + err);
                }
            }
        }
    }

    /** Work is linear in length: a 20k-token sequence (dense scores would need 1.6 GB) runs in little memory. */
    @Test
    void longSequenceRunsBlockwise() {
        try (NDManager m = NDManager.newBaseManager()) {
            int n = 20_000;
            NDArray q = m.randomNormal(new Shape(1, 1, n, 8));
            NDArray out = BandAttention.attend(q, q, q, 17, 17);
            assertEquals(new Shape(1, 1, n, 8), out.getShape());
            // rows far apart only see their own neighbourhoods: changing the end leaves the start as it was
            NDArray changed = q.duplicate();
            changed.set(new ai.djl.ndarray.index.NDIndex(":, :, 19000:, :"), 0f);
            NDArray again = BandAttention.attend(changed, changed, changed, 17, 17);
            assertEquals(0f, out.get(":, :, 0:18000, :").sub(again.get(":, :, 0:18000, :")).abs().max().getFloat());
        }
    }

    private static NDArray dense(NDArray q, NDArray k, NDArray v, int left, int right) {
        int n = (int) q.getShape().get(2);
        float[] mask = new float[n * n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                int d = j - i;
                mask[i * n + j] = d >= -left && d <= right ? 0f : Float.NEGATIVE_INFINITY;
            }
        }
        NDArray scores = q.matMul(k.transpose(0, 1, 3, 2)).div(Math.sqrt(q.getShape().get(3)))
                .add(q.getManager().create(mask, new Shape(n, n)));
        return scores.softmax(3).matMul(v);
    }
}
