package dev.longplay.models.transformer;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.longplay.models.nn.BlockedAttention;
import dev.longplay.models.nn.FusedAttention;
import dev.longplay.models.nn.LayerNorm;
import dev.longplay.models.nn.L2Normalize;
import dev.longplay.models.nn.Linear;
import dev.longplay.models.weights.StateDict;

/**
 * Multi-head attention as the reference's continuous transformer has it: fused qkv for self-attention, q
 * and kv projections for cross-attention with as many kv heads as the context width holds (grouped-query
 * attention: query head h reads kv head h / (heads / kvHeads)), optional LayerNorm or L2 on q and k, rotary
 * positions on self-attention, no bias. The conditioning masks are not applied: the reference disables them
 * (padding tokens are zeroed by the conditioner instead).
 *
 * <p>The attention itself is torch's fused kernel where available ({@link FusedAttention}), else matmul and softmax
 * over blocks of queries ({@link BlockedAttention}).
 */
public final class Attention {

    private final Linear toQkv;   // self-attention
    private final Linear toQ;     // cross-attention
    private final Linear toKv;
    private final Linear toOut;
    private final LayerNorm qNorm;
    private final LayerNorm kNorm;
    private final boolean l2Norm;
    private final int heads;
    private final int kvHeads;
    private final int dimHeads;
    private long maxBlockScores = BlockedAttention.MAX_BLOCK_SCORES;
    private boolean blockedForTest;

    private Attention(Linear toQkv, Linear toQ, Linear toKv, Linear toOut, LayerNorm qNorm, LayerNorm kNorm,
                      boolean l2Norm, int heads, int kvHeads, int dimHeads) {
        this.toQkv = toQkv;
        this.toQ = toQ;
        this.toKv = toKv;
        this.toOut = toOut;
        this.qNorm = qNorm;
        this.kNorm = kNorm;
        this.l2Norm = l2Norm;
        this.heads = heads;
        this.kvHeads = kvHeads;
        this.dimHeads = dimHeads;
    }

    /** dimContext: the context width for cross-attention, or 0 for self-attention. */
    public static Attention load(StateDict sd, int dim, int dimHeads, int dimContext, String qkNorm) {
        int heads = dim / dimHeads;
        int dimKv = dimContext > 0 ? dimContext : dim;
        int kvHeads = dimKv / dimHeads;
        Linear qkv = null;
        Linear q = null;
        Linear kv = null;
        if (dimContext > 0) {
            q = Linear.load(sd.scope("to_q"), dim, dim, false);
            kv = Linear.load(sd.scope("to_kv"), dimKv, 2L * dimKv, false);
        } else {
            qkv = Linear.load(sd.scope("to_qkv"), dim, 3L * dim, false);
        }
        Linear out = Linear.load(sd.scope("to_out"), dim, dim, false);
        LayerNorm qn = null;
        LayerNorm kn = null;
        if ("ln".equals(qkNorm)) {
            qn = LayerNorm.loadWeightBias(sd.scope("q_norm"), dimHeads, 1e-6f);
            kn = LayerNorm.loadWeightBias(sd.scope("k_norm"), dimHeads, 1e-6f);
        }
        return new Attention(qkv, q, kv, out, qn, kn, "l2".equals(qkNorm), heads, kvHeads, dimHeads);
    }

    // the parts, for the fused stack (FusedDitStack) that runs the same attention in one TorchScript call
    Linear toQkv() {
        return toQkv;
    }

    Linear toQ() {
        return toQ;
    }

    Linear toKv() {
        return toKv;
    }

    Linear toOut() {
        return toOut;
    }

    LayerNorm qNorm() {
        return qNorm;
    }

    LayerNorm kNorm() {
        return kNorm;
    }

    boolean l2Norm() {
        return l2Norm;
    }

    int heads() {
        return heads;
    }

    int kvHeads() {
        return kvHeads;
    }

    int dimHeads() {
        return dimHeads;
    }

    /** For tests: the blocked path with this score budget (a small one forces several query blocks). */
    void setMaxBlockScores(long floats) {
        this.maxBlockScores = floats;
        this.blockedForTest = true;
    }

    // x: [B, N, dim], context: [B, M, dimContext] or null, rotary: tables for N or null -> [B, N, dim]
    public NDArray forward(NDArray x, NDArray context, RotaryEmbedding.Tables rotary) {
        NDManager parent = x.getManager();
        try (NDManager scope = parent.newSubManager()) {
            x.tempAttach(scope);
            if (context != null) {
                context.tempAttach(scope);
            }
            NDArray q;
            NDArray k;
            NDArray v;
            if (toQkv != null) {
                NDList parts = toQkv.forward(x).split(3, 2);
                q = heads(parts.get(0), heads);
                k = heads(parts.get(1), heads);
                v = heads(parts.get(2), heads);
            } else {
                q = heads(toQ.forward(x), heads);
                NDList parts = toKv.forward(context).split(2, 2);
                k = heads(parts.get(0), kvHeads);
                v = heads(parts.get(1), kvHeads);
            }
            if (qNorm != null) {
                q = qNorm.forward(q);
                k = kNorm.forward(k);
            } else if (l2Norm) {
                q = L2Normalize.lastAxis(q, 1e-12f);
                k = L2Normalize.lastAxis(k, 1e-12f);
            }
            if (rotary != null) {
                q = RotaryEmbedding.apply(q, rotary);
                k = RotaryEmbedding.apply(k, rotary);
            }
            if (kvHeads != heads) {
                k = repeatKv(k);
                v = repeatKv(v);
            }
            NDArray attended = attend(q, k, v);                       // [B, H, N, Dh]
            long b = x.getShape().get(0);
            long n = x.getShape().get(1);
            NDArray merged = attended.transpose(0, 2, 1, 3).reshape(b, n, (long) heads * dimHeads);
            NDArray out = toOut.forward(merged);
            out.attach(parent);
            return out;
        }
    }

    // t: [B, N, h·Dh] -> [B, h, N, Dh]
    private NDArray heads(NDArray t, int h) {
        Shape s = t.getShape();
        return t.reshape(s.get(0), s.get(1), h, dimHeads).transpose(0, 2, 1, 3);
    }

    // [B, kvH, M, Dh] -> [B, H, M, Dh], each kv head serving heads/kvHeads consecutive query heads
    private NDArray repeatKv(NDArray t) {
        Shape s = t.getShape();
        int rep = heads / kvHeads;
        return t.expandDims(2).broadcast(new Shape(s.get(0), kvHeads, rep, s.get(2), s.get(3)))
                .reshape(s.get(0), heads, s.get(2), s.get(3));
    }

    private NDArray attend(NDArray q, NDArray k, NDArray v) {
        return blockedForTest ? BlockedAttention.attend(q, k, v, maxBlockScores) : FusedAttention.attend(q, k, v);
    }
}
