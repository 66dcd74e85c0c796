package dev.longplay.models.nn;

import ai.djl.ndarray.NDArray;
import dev.longplay.models.weights.StateDict;

/** {@code torch.nn.Linear}: y = x W^T + b over the last dimension. Weight [out, in], bias [out] or none. */
public record Linear(NDArray weight, NDArray bias) {

    /** Loads {@code weight} (and {@code bias} when {@code withBias}) from {@code sd}, checking [out, in]. */
    public static Linear load(StateDict sd, long in, long out, boolean withBias) {
        NDArray w = sd.take("weight", out, in);
        NDArray b = withBias ? sd.take("bias", out) : null;
        return new Linear(w, b);
    }

    // x: [..., in] -> [..., out]
    public NDArray forward(NDArray x) {
        return ai.djl.nn.core.Linear.linear(Precision.as(x, weight.getDataType()), weight, bias).singletonOrThrow();
    }

    public long inFeatures() {
        return weight.getShape().get(1);
    }

    public long outFeatures() {
        return weight.getShape().get(0);
    }
}
