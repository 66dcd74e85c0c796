package dev.longplay.models.autoencoder;

import dev.longplay.models.nn.TorchOwned;
import ai.djl.ndarray.NDArray;
import dev.longplay.models.weights.StateDict;

/**
 * SnakeBeta: {@code x + 1/(beta + 1e-9) * sin(alpha * x)^2}, per channel. The checkpoint stores log(alpha) and
 * log(beta) (the reference always builds it with alpha_logscale=True). For inference both are exponentiated
 * once at load; when the logs are being trained (they require a gradient) they are exponentiated on every call
 * so the gradient reaches them.
 */
public final class SnakeBeta implements ChannelActivation {

    private static final double NO_DIV_BY_ZERO = 1e-9;

    private final NDArray logAlpha; // [C], kept only while training
    private final NDArray logBeta;
    private final NDArray alpha;    // [1, C, 1], precomputed for inference
    private final NDArray inverseBeta;
    private final NDArray rootInverseBeta; // √(1/beta), [1, C, 1], for the tiled kernel

    /** An inference activation from alpha and 1/beta, both [1, C, 1]. */
    public SnakeBeta(NDArray alpha, NDArray inverseBeta) {
        this(null, null, alpha, inverseBeta);
    }

    private SnakeBeta(NDArray logAlpha, NDArray logBeta, NDArray alpha, NDArray inverseBeta) {
        this.logAlpha = logAlpha;
        this.logBeta = logBeta;
        this.alpha = alpha;
        this.inverseBeta = inverseBeta;
        this.rootInverseBeta = inverseBeta == null ? null : inverseBeta.sqrt();
    }

    public static SnakeBeta load(StateDict sd, long channels) {
        NDArray logAlpha = sd.takeFloat32("alpha", channels);
        NDArray logBeta = sd.takeFloat32("beta", channels);
        if (logAlpha.hasGradient() || logBeta.hasGradient()) {
            return new SnakeBeta(logAlpha, logBeta, null, null);
        }
        // [C] -> [1, C, 1] to broadcast over [B, C, T]
        NDArray alpha = logAlpha.exp().reshape(1, channels, 1);
        NDArray inverseBeta = inverse(logBeta).reshape(1, channels, 1);
        logAlpha.close();
        logBeta.close();
        return new SnakeBeta(alpha, inverseBeta);
    }

    private static NDArray inverse(NDArray logBeta) {
        try (NDArray beta = logBeta.exp(); NDArray shifted = beta.add(NO_DIV_BY_ZERO)) {
            return TorchOwned.scalar(shifted, 1).div(shifted);
        }
    }

    /** Whether the logs of alpha and beta are being trained (then only the op-by-op form serves). */
    boolean training() {
        return logAlpha != null;
    }

    /** alpha, [1, C, 1]; null while training. */
    NDArray alpha() {
        return alpha;
    }

    /** √(1/beta), [1, C, 1]; null while training. */
    NDArray rootInverseBeta() {
        return rootInverseBeta;
    }

    // x: [B, C, T] -> [B, C, T]; x is left as it was
    @Override
    public NDArray forward(NDArray x) {
        return apply(x, false);
    }

    // x: [B, C, T] -> [B, C, T], at inference in float32 written over x
    @Override
    public NDArray forwardInPlace(NDArray x) {
        return apply(x, true);
    }

    private NDArray apply(NDArray x, boolean inPlace) {
        if (logAlpha != null) {
            // training: out-of-place, every step recorded; the derived tensors are moved to x's scope
            long c = logAlpha.getShape().get(0);
            NDArray a = logAlpha.exp().reshape(1, c, 1);
            NDArray ib = inverse(logBeta).reshape(1, c, 1);
            a.attach(x.getManager());
            ib.attach(x.getManager());
            NDArray s = x.mul(a).sin();
            return s.mul(s).mul(ib).add(x);
        }
        if (x.getDataType() != alpha.getDataType()) {
            // reduced precision: sin(alpha·x)² / beta in float32 (bf16's 8-bit mantissa would put the
            // periodic term's error on every sample), the result back in x's type
            try (NDArray wide = x.toType(alpha.getDataType(), false)) {
                NDArray out = apply(wide, true);
                try {
                    return out.toType(x.getDataType(), false);
                } finally {
                    if (out != wide) {
                        out.close();
                    }
                }
            }
        }
        if (SnakeKernel.selected() && !x.hasGradient() && !x.getDevice().isGpu()) {
            return SnakeKernel.apply(x, alpha, rootInverseBeta, inPlace);
        }
        NDArray ax = x.mul(alpha);
        NDArray s = ax.sin();
        ax.close();
        return s.muli(s).muli(inverseBeta).addi(x);
    }
}
