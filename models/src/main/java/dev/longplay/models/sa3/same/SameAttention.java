package dev.longplay.models.sa3.same;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import dev.longplay.models.nn.FusedAttention;
import dev.longplay.models.nn.Linear;
import dev.longplay.models.transformer.RotaryEmbedding;
import dev.longplay.models.weights.StateDict;

/**
 * Self-attention of a SAME block: fused qkv (plus q_diff, k_diff when differential), per-head qk norm,
 * partial RoPE over dim_heads/2 channels, no biases. Differential: out = attn(q, k, v) - attn(q_diff, k_diff, v).
 * Attention is over the whole given sequence, or a {left, right} band when {@code window} is set.
 */
final class SameAttention {

    private final Linear toQkv;
    private final Linear toOut;
    private final SameNorm qNorm;
    private final SameNorm kNorm;
    private final RotaryEmbedding rope;
    private final int heads;
    private final int dimHeads;
    private final boolean differential;

    private SameAttention(Linear toQkv, Linear toOut, SameNorm qNorm, SameNorm kNorm, RotaryEmbedding rope,
                          int heads, int dimHeads, boolean differential) {
        this.toQkv = toQkv;
        this.toOut = toOut;
        this.qNorm = qNorm;
        this.kNorm = kNorm;
        this.rope = rope;
        this.heads = heads;
        this.dimHeads = dimHeads;
        this.differential = differential;
    }

    static SameAttention load(StateDict sd, int dim, int dimHeads, boolean differential, boolean dyt) {
        Linear qkv = Linear.load(sd.scope("to_qkv"), dim, (long) dim * (differential ? 5 : 3), false);
        Linear out = Linear.load(sd.scope("to_out"), dim, dim, false);
        SameNorm q = SameNorm.load(sd.scope("q_norm"), dimHeads, dyt, 1e-3f);
        SameNorm k = SameNorm.load(sd.scope("k_norm"), dimHeads, dyt, 1e-3f);
        RotaryEmbedding rope = new RotaryEmbedding(RotaryEmbedding.inverseFrequencies(dimHeads / 2, 10000));
        return new SameAttention(qkv, out, q, k, rope, dim / dimHeads, dimHeads, differential);
    }

    /** The rotary module of the block, whose (recomputed) buffer is in the checkpoint too. */
    RotaryEmbedding rope() {
        return rope;
    }

    // x: [B, N, D] -> [B, N, D]; window: {left, right} in tokens or null for full attention
    NDArray forward(NDArray x, int[] window) {
        Shape s = x.getShape();
        long b = s.get(0);
        int n = (int) s.get(1);
        NDList parts = toQkv.forward(x).split(differential ? 5 : 3, 2);
        try (RotaryEmbedding.Tables tables = rope.tables(x.getManager(), n)) {
            NDArray q = prepare(parts.get(0), qNorm, tables);
            NDArray k = prepare(parts.get(1), kNorm, tables);
            NDArray v = heads(parts.get(2));
            NDArray out = attend(q, k, v, window);
            if (differential) {
                NDArray qd = prepare(parts.get(3), qNorm, tables);
                NDArray kd = prepare(parts.get(4), kNorm, tables);
                out = out.sub(attend(qd, kd, v, window));
            }
            return toOut.forward(out.transpose(0, 2, 1, 3).reshape(b, n, (long) heads * dimHeads));
        }
    }

    private NDArray prepare(NDArray t, SameNorm norm, RotaryEmbedding.Tables tables) {
        return RotaryEmbedding.apply(norm.forward(heads(t)), tables);
    }

    // [B, N, H·Dh] -> [B, H, N, Dh]
    private NDArray heads(NDArray t) {
        Shape s = t.getShape();
        return t.reshape(s.get(0), s.get(1), heads, dimHeads).transpose(0, 2, 1, 3);
    }

    private NDArray attend(NDArray q, NDArray k, NDArray v, int[] window) {
        if (window != null) {
            return BandAttention.attend(q, k, v, window[0], window[1]);
        }
        return FusedAttention.attend(q, k, v);
    }
}
