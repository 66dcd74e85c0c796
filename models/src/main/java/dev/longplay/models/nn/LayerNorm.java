package dev.longplay.models.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.longplay.models.weights.StateDict;

/**
 * Layer normalisation over the last dimension with gain and shift (either may be absent). Always computed in
 * float32 (the gains are held in float32): in bf16 the mean and variance of wide rows lose too much.
 */
public record LayerNorm(NDArray gain, NDArray shift, float eps) {

    /** stable-audio-tools' own LayerNorm: {@code gamma}, and {@code beta} stored as a buffer. */
    public static LayerNorm loadGammaBeta(StateDict sd, long dim, float eps) {
        return new LayerNorm(sd.takeFloat32("gamma", dim), sd.has("beta") ? sd.takeFloat32("beta", dim) : null, eps);
    }

    /** {@code torch.nn.LayerNorm}: {@code weight} and {@code bias}. */
    public static LayerNorm loadWeightBias(StateDict sd, long dim, float eps) {
        return new LayerNorm(sd.takeFloat32("weight", dim), sd.takeFloat32("bias", dim), eps);
    }

    // x: [..., D] -> [..., D]
    public NDArray forward(NDArray x) {
        Shape last = new Shape(x.getShape().get(x.getShape().dimension() - 1));
        if (x.getDataType() == DataType.FLOAT32) {
            return ai.djl.nn.norm.LayerNorm.layerNorm(x, last, gain, shift, eps).singletonOrThrow();
        }
        try (NDArray wide = Precision.float32(x);
             NDArray normed = ai.djl.nn.norm.LayerNorm.layerNorm(wide, last, gain, shift, eps).singletonOrThrow()) {
            return normed.toType(x.getDataType(), false);
        }
    }
}
