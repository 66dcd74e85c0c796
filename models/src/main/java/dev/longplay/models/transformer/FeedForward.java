package dev.longplay.models.transformer;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.nn.Activation;
import dev.longplay.models.nn.Linear;
import dev.longplay.models.weights.StateDict;

/**
 * The block's feed-forward: SwiGLU by default (a projection to twice the inner width, halves multiplied
 * as value · SiLU(gate)), else Linear + SiLU; then the output projection. Keys {@code ff.0.proj} or
 * {@code ff.0.1}, and {@code ff.2}.
 */
public record FeedForward(Linear in, Linear out, boolean glu) {

    public static FeedForward load(StateDict sd, int dim, float mult, boolean glu, boolean noBias) {
        int inner = (int) (dim * mult);
        Linear in = glu ? Linear.load(sd.scope("ff.0.proj"), dim, 2L * inner, true)
                : Linear.load(sd.scope("ff.0.1"), dim, inner, !noBias);
        Linear out = Linear.load(sd.scope("ff.2"), inner, dim, !noBias);
        return new FeedForward(in, out, glu);
    }

    // x: [B, N, dim] -> [B, N, dim]
    public NDArray forward(NDArray x) {
        try (NDArray h = in.forward(x)) {
            if (glu) {
                NDList halves = h.split(2, 2);
                try (NDArray value = halves.get(0); NDArray gate = halves.get(1);
                     NDArray act = gate.mul(Activation.sigmoid(gate)); NDArray prod = value.mul(act)) {
                    return out.forward(prod);
                }
            }
            try (NDArray act = h.mul(Activation.sigmoid(h))) {
                return out.forward(act);
            }
        }
    }
}
