package dev.longplay.models.autoencoder;

import ai.djl.ndarray.NDArray;
import dev.longplay.models.weights.StateDict;

/**
 * SnakeBeta: {@code x + 1/(beta + 1e-9) * sin(alpha * x)^2}, per channel. The checkpoint stores log(alpha) and
 * log(beta) (the reference always builds it with alpha_logscale=True); both are exponentiated once at load.
 */
public record SnakeBeta(NDArray alpha, NDArray inverseBeta) implements ChannelActivation {

    private static final double NO_DIV_BY_ZERO = 1e-9;

    public static SnakeBeta load(StateDict sd, long channels) {
        NDArray logAlpha = sd.take("alpha", channels);
        NDArray logBeta = sd.take("beta", channels);
        // [C] -> [1, C, 1] to broadcast over [B, C, T]
        NDArray alpha = logAlpha.exp().reshape(1, channels, 1);
        NDArray beta = logBeta.exp();
        NDArray inverseBeta = beta.add(NO_DIV_BY_ZERO).pow(-1).reshape(1, channels, 1);
        logAlpha.close();
        logBeta.close();
        beta.close();
        return new SnakeBeta(alpha, inverseBeta);
    }

    // x: [B, C, T] -> [B, C, T]; in place where possible so a long input holds at most two extra copies
    @Override
    public NDArray forward(NDArray x) {
        NDArray ax = x.mul(alpha);
        NDArray s = ax.sin();
        ax.close();
        return s.muli(s).muli(inverseBeta).addi(x);
    }
}
