package dev.longplay.models.sa3.same;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.nn.Activation;
import dev.longplay.models.nn.Linear;
import dev.longplay.models.weights.StateDict;

/**
 * Pre-norm transformer block of SAME: x + attn(norm(x)), then x + ff(norm(x)); the feed-forward is a GLU
 * with SiLU gate, or sin(pi x) gate in the decoder's last "sinusoidal" blocks.
 */
final class SameTransformerBlock {

    private static final double PI = 3.14159265359;  // the reference's literal

    private final SameNorm preNorm;
    private final SameAttention attention;
    private final SameNorm ffNorm;
    private final Linear ffIn;
    private final Linear ffOut;
    private final boolean sinusoidal;

    private SameTransformerBlock(SameNorm preNorm, SameAttention attention, SameNorm ffNorm, Linear ffIn,
                                 Linear ffOut, boolean sinusoidal) {
        this.preNorm = preNorm;
        this.attention = attention;
        this.ffNorm = ffNorm;
        this.ffIn = ffIn;
        this.ffOut = ffOut;
        this.sinusoidal = sinusoidal;
    }

    static SameTransformerBlock load(StateDict sd, int dim, SameConfig.Coder c, boolean sinusoidal) {
        int dimHeads = Math.min(c.dimHeads(), dim);
        int inner = (int) (dim * c.ffMult());
        SameAttention attention = SameAttention.load(sd.scope("self_attn"), dim, dimHeads, c.differential(), c.dyt());
        // The rotary buffer is saved with the block; it is recomputed, but checked against the file.
        sd.takeOptional("rope.inv_freq", attention.rope().invFreq().length);
        return new SameTransformerBlock(SameNorm.load(sd.scope("pre_norm"), dim, c.dyt(), 1e-3f), attention,
                SameNorm.load(sd.scope("ff_norm"), dim, c.dyt(), 1e-3f),
                Linear.load(sd.scope("ff.ff.0.proj"), dim, 2L * inner, true),
                Linear.load(sd.scope("ff.ff.2"), inner, dim, true), sinusoidal);
    }

    // x: [B, N, D]; window {left, right} in tokens, or null for attention over each whole sequence
    NDArray forward(NDArray x, int[] window) {
        NDArray h = x.add(attention.forward(preNorm.forward(x), window));
        NDList halves = ffIn.forward(ffNorm.forward(h)).split(2, 2);
        NDArray gate = halves.get(1);
        NDArray act = sinusoidal ? gate.mul(PI).sin() : Activation.swish(gate, 1f);
        return h.add(ffOut.forward(halves.get(0).mul(act)));
    }
}
