package dev.longplay.models.sa3.dit;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.nn.Activation;
import dev.longplay.models.nn.Linear;
import dev.longplay.models.nn.RmsNorm;
import dev.longplay.models.nn.Scoped;
import dev.longplay.models.nn.SiluMlp;
import dev.longplay.models.transformer.FeedForward;
import dev.longplay.models.transformer.RotaryEmbedding;
import dev.longplay.models.weights.StateDict;

/**
 * One SA3 transformer block with adaLN: self-attention on the modulated, RMS-normed input, gated by
 * sigmoid(1 − gate); unmodulated cross-attention; the local conditioning's per-block embedding added to the
 * frame tokens (the memory tokens in front get nothing); feed-forward, modulated and gated the same way.
 */
public record Sa3Block(RmsNorm preNorm, Sa3Attention selfAttn, RmsNorm crossNorm, Sa3Attention crossAttn,
                       SiluMlp localEmbed, RmsNorm ffNorm, FeedForward ff, NDArray scaleShiftGate) {

    public static Sa3Block load(StateDict sd, Sa3DitConfig c) {
        int dim = c.embedDim();
        RmsNorm pre = RmsNorm.loadGamma(sd.scope("pre_norm"), dim, c.normEps());
        Sa3Attention self = Sa3Attention.load(sd.scope("self_attn"), c, 0);
        RmsNorm crossNorm = null;
        Sa3Attention cross = null;
        if (c.condTokenDim() > 0) {
            crossNorm = RmsNorm.loadGamma(sd.scope("cross_attend_norm"), dim, c.normEps());
            cross = Sa3Attention.load(sd.scope("cross_attn"), c, c.condEmbedDim());
        }
        SiluMlp local = null;
        if (c.localAddCondDim() > 0) {
            StateDict l = sd.scope("to_local_embed");
            local = new SiluMlp(Linear.load(l.scope("0"), c.localAddCondDim(), dim, true), Linear.load(l.scope("2"), dim, dim, true));
        }
        RmsNorm ffNorm = RmsNorm.loadGamma(sd.scope("ff_norm"), dim, c.normEps());
        FeedForward ff = FeedForward.load(sd.scope("ff"), dim, c.ffMult(), true, false);
        NDArray ssg = sd.take("to_scale_shift_gate", 6L * dim);
        return new Sa3Block(pre, self, crossNorm, cross, local, ffNorm, ff, ssg);
    }

    /**
     * x: [B, N, dim] (memory tokens first); context: [B, M, dim] or null; modulation: [B, 6·dim];
     * local: [B, T, localDim] for the last T tokens, or null; valid: [B, N] 1/0 or null.
     */
    public NDArray forward(NDArray x, NDArray context, NDArray modulation, NDArray local, RotaryEmbedding.Tables rotary,
                           NDArray valid) {
        return Scoped.apply(x, in -> {
            NDList m = modulation.add(scaleShiftGate).expandDims(1).split(6, 2);
            NDArray normed = preNorm.forward(in).mul(m.get(0).add(1f)).add(m.get(1));
            NDArray h = in.add(selfAttn.forward(normed, null, rotary, valid).mul(gate(m.get(2))));
            if (crossAttn != null && context != null) {
                h = h.add(crossAttn.forward(crossNorm.forward(h), context, null, null));
            }
            if (localEmbed != null && local != null) {
                NDArray emb = localEmbed.forward(local);
                long n = h.getShape().get(1);
                long t = emb.getShape().get(1);
                long p = n - t;
                String frames = ":, " + p + ":, :";
                if (p < 0) {
                    throw new IllegalArgumentException("local conditioning is longer (" + t + ") than the sequence (" + n + ")");
                }
                // Left-padded with zeros: only the frame tokens after the memory tokens receive it.
                NDArray tail = h.get(frames).add(emb);
                h = p == 0 ? tail : h.get(":, 0:" + p + ", :").concat(tail, 1);
            }
            NDArray ffIn = ffNorm.forward(h).mul(m.get(3).add(1f)).add(m.get(4));
            return h.add(ff.forward(ffIn).mul(gate(m.get(5))));
        });
    }

    private static NDArray gate(NDArray g) {
        return Activation.sigmoid(g.neg().add(1f));
    }
}
