package dev.longplay.models.nn;

import ai.djl.ndarray.NDArray;
import dev.longplay.models.weights.StateDict;

/**
 * RMS normalisation over the last dimension: x / sqrt(mean(x²) + eps) · gain. With {@code onePlus} the gain is
 * applied as (1 + w), Gemma's convention (its weights are stored as offsets from one). Computed in float32
 * whatever the input's type, which it keeps.
 */
public record RmsNorm(NDArray gain, float eps, boolean onePlus) {

    /** stable-audio-3's RMSNorm: key {@code gamma}. */
    public static RmsNorm loadGamma(StateDict sd, long dim, float eps) {
        return new RmsNorm(sd.takeFloat32("gamma", dim), eps, false);
    }

    /** Gemma's RMSNorm: key {@code weight}, applied as 1 + weight. */
    public static RmsNorm loadGemma(StateDict sd, long dim, float eps) {
        return new RmsNorm(sd.takeFloat32("weight", dim), eps, true);
    }

    // x: [..., D] -> [..., D]
    public NDArray forward(NDArray x) {
        return Scoped.apply(x, input -> {
            NDArray in = Precision.float32(input);
            NDArray inv = in.square().mean(new int[]{-1}, true).add(eps).sqrt().pow(-1);  // activation on the left
            NDArray normed = in.mul(inv);
            NDArray out = onePlus ? normed.mul(gain.add(1f)) : normed.mul(gain);
            return Precision.as(out, input.getDataType());
        });
    }
}
