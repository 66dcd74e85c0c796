package dev.longplay.models.transformer;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.nn.Activation;
import dev.longplay.models.nn.LayerNorm;
import dev.longplay.models.nn.Scoped;
import dev.longplay.models.weights.StateDict;

/**
 * A pre-norm transformer block: self-attention, cross-attention to the conditioning tokens, feed-forward, each
 * with a residual. With adaLN global conditioning, the self-attention and feed-forward inputs are modulated by
 * scale/shift and their outputs gated by sigmoid(1 − gate), from {@code to_scale_shift_gate} + the projected
 * global condition.
 */
public record TransformerBlock(LayerNorm preNorm, Attention selfAttn, LayerNorm crossNorm, Attention crossAttn,
                               LayerNorm ffNorm, FeedForward ff, NDArray scaleShiftGate) {

    public static TransformerBlock load(StateDict sd, DitConfig c, boolean crossAttend, int dimContext, boolean adaLN) {
        int dim = c.embedDim();
        LayerNorm pre = LayerNorm.loadGammaBeta(sd.scope("pre_norm"), dim, c.normEps());
        Attention self = Attention.load(sd.scope("self_attn"), dim, c.dimHeads(), 0, c.qkNorm());
        LayerNorm crossNorm = null;
        Attention cross = null;
        if (crossAttend) {
            crossNorm = LayerNorm.loadGammaBeta(sd.scope("cross_attend_norm"), dim, c.normEps());
            cross = Attention.load(sd.scope("cross_attn"), dim, c.dimHeads(), dimContext, c.qkNorm());
        }
        LayerNorm ffNorm = LayerNorm.loadGammaBeta(sd.scope("ff_norm"), dim, c.normEps());
        FeedForward ff = FeedForward.load(sd.scope("ff"), dim, c.ffMult(), c.ffGlu(), c.ffNoBias());
        NDArray ssg = adaLN ? sd.take("to_scale_shift_gate", 6L * dim) : null;
        return new TransformerBlock(pre, self, crossNorm, cross, ffNorm, ff, ssg);
    }

    // x: [B, N, dim], context: [B, M, dimContext] or null, globalCond: [B, 6·dim] (adaLN) or null
    public NDArray forward(NDArray x, NDArray context, NDArray globalCond, RotaryEmbedding.Tables rotary) {
        return Scoped.apply(x, in -> {
            NDArray h = in;
            if (scaleShiftGate != null && globalCond != null) {
                // [B, 1, 6·dim] split into scale/shift/gate for self-attention and feed-forward
                NDList m = globalCond.add(scaleShiftGate).expandDims(1).split(6, 2);  // activation on the left: results join its manager, not the weights'
                NDArray normed = preNorm.forward(h).mul(m.get(0).add(1)).add(m.get(1));
                NDArray attn = selfAttn.forward(normed, null, rotary).mul(Activation.sigmoid(m.get(2).neg().add(1)));
                h = h.add(attn);
                if (crossAttn != null && context != null) {
                    h = h.add(crossAttn.forward(crossNorm.forward(h), context, null));
                }
                NDArray ffIn = ffNorm.forward(h).mul(m.get(3).add(1)).add(m.get(4));
                return h.add(ff.forward(ffIn).mul(Activation.sigmoid(m.get(5).neg().add(1))));
            }
            h = h.add(selfAttn.forward(preNorm.forward(h), null, rotary));
            if (crossAttn != null && context != null) {
                h = h.add(crossAttn.forward(crossNorm.forward(h), context, null));
            }
            return h.add(ff.forward(ffNorm.forward(h)));
        });
    }
}
