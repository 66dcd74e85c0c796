package dev.longplay.models.transformer;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;

/**
 * Rotary position embedding (Su et al.) on the first {@code rotDim} channels of each head, the rest passed
 * through (partial rotary, as GPT-J). The angles are computed in float32 whatever the compute type: long
 * renders would otherwise lose position precision.
 */
public record RotaryEmbedding(float[] invFreq) {

    /** The standard inverse frequencies 1 / base^(2i/dim) for a rotary width {@code dim}. */
    public static float[] inverseFrequencies(int dim, double base) {
        float[] f = new float[dim / 2];
        for (int i = 0; i < f.length; i++) {
            f[i] = (float) (1.0 / Math.pow(base, (2.0 * i) / dim));
        }
        return f;
    }

    public int rotDim() {
        return invFreq.length * 2;
    }

    /**
     * cos and sin tables [n, rotDim] for positions 0..n-1: angles (t·invFreq) repeated for both halves, made on
     * {@code manager}'s device with tensor ops: every attention call of every sampler step needs them.
     */
    public Tables tables(NDManager manager, int n) {
        try (NDArray angles = PositionAngles.of(manager, n, invFreq);
             NDArray both = angles.concat(angles, 1)) {
            return new Tables(both.cos(), both.sin());
        }
    }

    public record Tables(NDArray cos, NDArray sin) implements AutoCloseable {
        @Override
        public void close() {
            cos.close();
            sin.close();
        }
    }

    // x: [B, H, N, D] -> same, the first rotDim channels rotated by position; in float32, x's type kept
    public static NDArray apply(NDArray x, Tables tables) {
        if (x.getDataType() != tables.cos().getDataType()) {
            try (NDArray wide = x.toType(tables.cos().getDataType(), false); NDArray out = apply(wide, tables)) {
                return out.toType(x.getDataType(), false);
            }
        }
        long d = x.getShape().get(3);
        long rot = tables.cos().getShape().get(1);
        long half = rot / 2;
        NDArray rotated;
        try (NDArray head = rot == d ? x.duplicate() : x.get(":, :, :, 0:" + rot);
             NDArray x1 = head.get(":, :, :, 0:" + half);
             NDArray x2 = head.get(":, :, :, " + half + ":" + rot);
             NDArray negX2 = x2.neg();
             NDArray turned = negX2.concat(x1, 3);
             NDArray a = head.mul(tables.cos());
             NDArray b = turned.mul(tables.sin())) {
            rotated = a.add(b);
        }
        if (rot == d) {
            return rotated;
        }
        try (NDArray tail = x.get(":, :, :, " + rot + ":")) {
            NDArray out = rotated.concat(tail, 3);
            rotated.close();
            return out;
        }
    }
}
