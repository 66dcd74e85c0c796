package dev.longplay.models.sa3.same;

import ai.djl.ndarray.NDArray;
import dev.longplay.models.weights.StateDict;

/** The two norms SAME blocks use over the last dimension: DynamicTanh (dyt) or RMSNorm. */
interface SameNorm {

    NDArray forward(NDArray x);

    static SameNorm load(StateDict sd, long dim, boolean dyt, float eps) {
        if (dyt) {
            return new DynamicTanh(sd.take("alpha", 1), sd.take("gamma", dim), sd.take("beta", dim));
        }
        return new RmsNorm(sd.take("gamma", dim), eps);
    }

    /** gamma * tanh(alpha * x) + beta, alpha a learned scalar (no normalisation statistics at all). */
    record DynamicTanh(NDArray alpha, NDArray gamma, NDArray beta) implements SameNorm {
        @Override
        public NDArray forward(NDArray x) {
            try (NDArray a = x.mul(alpha); NDArray t = a.tanh(); NDArray g = t.mul(gamma)) {
                return g.add(beta);
            }
        }
    }

    /** x / sqrt(mean(x^2) + eps) * gamma. */
    record RmsNorm(NDArray gamma, float eps) implements SameNorm {
        @Override
        public NDArray forward(NDArray x) {
            int last = x.getShape().dimension() - 1;
            try (NDArray sq = x.square(); NDArray ms = sq.mean(new int[]{last}, true); NDArray e = ms.add(eps);
                 NDArray r = e.sqrt(); NDArray n = x.div(r)) {
                return n.mul(gamma);
            }
        }
    }
}
