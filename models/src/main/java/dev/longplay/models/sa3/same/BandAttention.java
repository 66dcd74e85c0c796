package dev.longplay.models.sa3.same;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

/**
 * Sliding-window attention (SAME-L): query i sees keys i - left .. i + right. Computed blockwise, linear in
 * length: the sequence is cut into blocks of S = max(left, right) tokens and each query block attends to
 * the keys of its own and its two neighbour blocks (3S keys) under a band mask, so scores take
 * 3·S·N per head instead of N². Equivalent to dense attention with the band mask (the reference's
 * flash-attn window / chunked-halo SDPA).
 */
final class BandAttention {

    private static final float MASKED = -1e30f;

    private BandAttention() {
    }

    // q, k, v: [B, H, N, Dh] -> [B, H, N, Dh]
    static NDArray attend(NDArray q, NDArray k, NDArray v, int left, int right) {
        Shape s = q.getShape();
        long b = s.get(0);
        long h = s.get(1);
        int n = (int) s.get(2);
        long d = s.get(3);
        int block = Math.max(1, Math.max(left, right));
        int nb = (n + block - 1) / block;
        int padded = nb * block;
        NDManager m = q.getManager();
        float scale = (float) (1.0 / Math.sqrt(d));
        NDArray qb = pad(q, 0, padded - n).reshape(b, h, nb, block, d).mul(scale);
        NDArray kn = neighbours(pad(k, block, padded - n + block), b, h, nb, block, d);
        NDArray vn = neighbours(pad(v, block, padded - n + block), b, h, nb, block, d);
        NDArray band = mask(m, n, nb, block, left, right).toType(q.getDataType(), false);
        NDArray scores = qb.matMul(kn.transpose(0, 1, 2, 4, 3)).add(band);
        NDArray out = scores.softmax(4).matMul(vn).reshape(b, h, padded, d);
        return padded == n ? out : out.get(":, :, 0:" + n + ", :");
    }

    // keys of blocks i-1, i, i+1 for every block i: [B, H, nb, 3S, Dh] from a copy padded by S on both sides
    private static NDArray neighbours(NDArray kp, long b, long h, int nb, int block, long d) {
        NDArray blocks = kp.reshape(b, h, nb + 2, block, d);
        return NDArrays.concat(new NDList(blocks.get(":, :, 0:" + nb), blocks.get(":, :, 1:" + (nb + 1)),
                blocks.get(":, :, 2:" + (nb + 2))), 3);
    }

    // additive mask [nb, S, 3S]: 0 where key j = (i-1)S + c is inside [0, n) and the band of query iS + r
    private static NDArray mask(NDManager m, int n, int nb, int block, int left, int right) {
        float[] mask = new float[nb * block * 3 * block];
        int idx = 0;
        for (int i = 0; i < nb; i++) {
            for (int r = 0; r < block; r++) {
                for (int c = 0; c < 3 * block; c++) {
                    int j = (i - 1) * block + c;
                    int delta = c - block - r;
                    boolean in = j >= 0 && j < n && delta >= -left && delta <= right;
                    mask[idx++] = in ? 0f : MASKED;
                }
            }
        }
        return m.create(mask, new Shape(nb, block, 3L * block));  // float32; cast by the caller
    }

    // zero-pads the sequence axis (2) of [B, H, N, Dh] by `before` and `after`
    private static NDArray pad(NDArray x, int before, int after) {
        if (before == 0 && after == 0) {
            return x;
        }
        Shape s = x.getShape();
        NDList parts = new NDList();
        if (before > 0) {
            parts.add(x.getManager().zeros(new Shape(s.get(0), s.get(1), before, s.get(3)), x.getDataType()));
        }
        parts.add(x);
        if (after > 0) {
            parts.add(x.getManager().zeros(new Shape(s.get(0), s.get(1), after, s.get(3)), x.getDataType()));
        }
        return NDArrays.concat(parts, 2);
    }
}
