package dev.longplay.models.transformer;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;

/**
 * The reference transformer's {@code use_sinusoidal_emb}: absolute positions added to the sequence after the
 * prepended tokens join it, [sin(p·f_j) | cos(p·f_j)] with f_j = θ^(−j/half) for j < half = dim/2, times one
 * learnt scalar (initialised to dim^−½). Rotary embeddings only tell attention how far apart two frames are;
 * this tells each frame where it is, which a clip whose first beat falls on its first frame needs while the
 * input is still mostly noise. The table is float32; the sum takes the sequence's type.
 */
public record SinusoidalPositions(int dim, double theta, NDArray scale) {

    public static final double THETA = 10000;

    /**
     * The table [1, n, dim] for positions 0..n−1, unscaled, made on {@code m}'s device: it is needed at every DiT
     * call, and for a long clip it is millions of sines, which Java loops would spend a sampler step's time on.
     */
    public static NDArray table(NDManager m, int n, int dim, double theta) {
        int half = dim / 2;
        float[] freq = new float[half];
        for (int j = 0; j < half; j++) {
            freq[j] = (float) Math.pow(theta, -(double) j / half);
        }
        try (NDArray angles = PositionAngles.of(m, n, freq);
             NDArray sin = angles.sin();
             NDArray cos = angles.cos();
             NDArray joined = sin.concat(cos, 1)) {
            return joined.reshape(1, n, dim);
        }
    }

    // h: [B, N, dim] -> h + scale · table[N, dim]
    public NDArray addTo(NDArray h) {
        int n = Math.toIntExact(h.getShape().get(1));
        try (NDArray table = table(h.getManager(), n, dim, theta)) {
            NDArray scaled = table.mul(scale);
            try {
                if (scaled.getDataType() != h.getDataType()) {
                    NDArray typed = scaled.toType(h.getDataType(), false);
                    scaled.close();
                    scaled = typed;
                }
                return h.add(scaled);
            } finally {
                scaled.close();
            }
        }
    }
}
