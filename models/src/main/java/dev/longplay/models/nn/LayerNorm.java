package dev.longplay.models.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import dev.longplay.models.weights.StateDict;

/** Layer normalisation over the last dimension with gain and shift (either may be absent). */
public record LayerNorm(NDArray gain, NDArray shift, float eps) {

    /** stable-audio-tools' own LayerNorm: {@code gamma}, and {@code beta} stored as a buffer. */
    public static LayerNorm loadGammaBeta(StateDict sd, long dim, float eps) {
        return new LayerNorm(sd.take("gamma", dim), sd.takeOptional("beta", dim), eps);
    }

    /** {@code torch.nn.LayerNorm}: {@code weight} and {@code bias}. */
    public static LayerNorm loadWeightBias(StateDict sd, long dim, float eps) {
        return new LayerNorm(sd.take("weight", dim), sd.take("bias", dim), eps);
    }

    // x: [..., D] -> [..., D]
    public NDArray forward(NDArray x) {
        Shape last = new Shape(x.getShape().get(x.getShape().dimension() - 1));
        return ai.djl.nn.norm.LayerNorm.layerNorm(x, last, gain, shift, eps).singletonOrThrow();
    }
}
