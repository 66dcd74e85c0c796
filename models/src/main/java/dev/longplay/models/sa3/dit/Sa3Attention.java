package dev.longplay.models.sa3.dit;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import dev.longplay.models.nn.FusedAttention;
import dev.longplay.models.nn.L2Normalize;
import dev.longplay.models.nn.Linear;
import dev.longplay.models.nn.Precision;
import dev.longplay.models.nn.RmsNorm;
import dev.longplay.models.nn.Scoped;
import dev.longplay.models.transformer.RotaryEmbedding;
import dev.longplay.models.weights.CheckpointException;
import dev.longplay.models.weights.StateDict;

/**
 * SA3's attention (stable_audio_3 transformer.Attention): fused {@code to_qkv} for self-attention, {@code to_q} and
 * {@code to_kv} for cross-attention, no biases, per-head RMS (or L2) norm on q and k, rotary positions on
 * self-attention. Differential attention is the plain form: a second query/key pair whose attention over the
 * same values is subtracted (out = attn(q, k, v) − attn(q', k', v)).
 *
 * <p>The padding mask follows the reference's non-flash path, which is what it computes on CPU: values at padded
 * positions are zeroed, the keys stay in the softmax.
 */
public final class Sa3Attention {

    private final Linear toQkv;
    private final Linear toQ;
    private final Linear toKv;
    private final Linear toOut;
    private final RmsNorm qNorm;
    private final RmsNorm kNorm;
    private final boolean l2;
    private final boolean differential;
    private final int heads;
    private final int dimHeads;

    private Sa3Attention(Linear toQkv, Linear toQ, Linear toKv, Linear toOut, RmsNorm qNorm, RmsNorm kNorm, boolean l2,
                         boolean differential, int heads, int dimHeads) {
        this.toQkv = toQkv;
        this.toQ = toQ;
        this.toKv = toKv;
        this.toOut = toOut;
        this.qNorm = qNorm;
        this.kNorm = kNorm;
        this.l2 = l2;
        this.differential = differential;
        this.heads = heads;
        this.dimHeads = dimHeads;
    }

    /** dimContext 0: self-attention. The context must hold whole heads of the same width (the reference's kv heads). */
    public static Sa3Attention load(StateDict sd, Sa3DitConfig c, int dimContext) {
        int dim = c.embedDim();
        int parts = c.differential() ? 2 : 1;
        Linear qkv = null;
        Linear q = null;
        Linear kv = null;
        if (dimContext > 0) {
            if (dimContext != dim) {
                throw new CheckpointException("cross-attention context width " + dimContext
                        + " differs from the DiT width " + dim + " (set project_cond_tokens)");
            }
            q = Linear.load(sd.scope("to_q"), dim, (long) parts * dim, false);
            kv = Linear.load(sd.scope("to_kv"), dimContext, (long) (parts + 1) * dimContext, false);
        } else {
            qkv = Linear.load(sd.scope("to_qkv"), dim, (long) (2 * parts + 1) * dim, false);
        }
        Linear out = Linear.load(sd.scope("to_out"), dim, dim, false);
        RmsNorm qn = null;
        RmsNorm kn = null;
        if ("rms".equals(c.qkNorm())) {
            qn = RmsNorm.loadGamma(sd.scope("q_norm"), c.dimHeads(), c.qkNormEps());
            kn = RmsNorm.loadGamma(sd.scope("k_norm"), c.dimHeads(), c.qkNormEps());
        }
        return new Sa3Attention(qkv, q, kv, out, qn, kn, "l2".equals(c.qkNorm()), c.differential(), dim / c.dimHeads(),
                c.dimHeads());
    }

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

    RmsNorm qNorm() {
        return qNorm;
    }

    RmsNorm kNorm() {
        return kNorm;
    }

    boolean l2() {
        return l2;
    }

    /**
     * x: [B, N, dim]; context: [B, M, dim] or null; rotary: tables for N (self-attention) or null;
     * valid: [B, N] 1/0 floats (self-attention) or null -> [B, N, dim].
     */
    public NDArray forward(NDArray x, NDArray context, RotaryEmbedding.Tables rotary, NDArray valid) {
        return Scoped.apply(x, in -> {
            NDArray q;
            NDArray k;
            NDArray v;
            NDArray qd = null;
            NDArray kd = null;
            if (toQkv != null) {
                NDList p = toQkv.forward(in).split(differential ? 5 : 3, 2);
                q = heads(p.get(0));
                k = heads(p.get(1));
                v = heads(p.get(2));
                if (differential) {
                    qd = heads(p.get(3));
                    kd = heads(p.get(4));
                }
            } else {
                NDList pq = toQ.forward(in).split(differential ? 2 : 1, 2);
                NDList pkv = toKv.forward(context).split(differential ? 3 : 2, 2);
                q = heads(pq.get(0));
                k = heads(pkv.get(0));
                if (differential) {
                    qd = heads(pq.get(1));
                    kd = heads(pkv.get(1));
                    v = heads(pkv.get(2));
                } else {
                    v = heads(pkv.get(1));
                }
            }
            if (valid != null) {
                // the mask in v's type: a float32 mask would promote v and break the product with fp16 scores
                v = v.mul(Precision.as(valid, v.getDataType()).expandDims(1).expandDims(3));
            }
            NDArray out = attend(q, k, v, rotary);
            if (differential) {
                out = out.sub(attend(qd, kd, v, rotary));
            }
            Shape s = in.getShape();
            return toOut.forward(out.transpose(0, 2, 1, 3).reshape(s.get(0), s.get(1), (long) heads * dimHeads));
        });
    }

    private NDArray attend(NDArray q, NDArray k, NDArray v, RotaryEmbedding.Tables rotary) {
        if (qNorm != null) {
            q = qNorm.forward(q);
            k = kNorm.forward(k);
        } else if (l2) {
            q = L2Normalize.lastAxis(q, 1e-6f);
            k = L2Normalize.lastAxis(k, 1e-6f);
        }
        if (rotary != null) {
            q = RotaryEmbedding.apply(q, rotary);
            k = RotaryEmbedding.apply(k, rotary);
        }
        return FusedAttention.attend(q, k, v);
    }

    // [B, N, h·Dh] -> [B, h, N, Dh]
    private NDArray heads(NDArray t) {
        Shape s = t.getShape();
        return t.reshape(s.get(0), s.get(1), heads, dimHeads).transpose(0, 2, 1, 3);
    }
}
