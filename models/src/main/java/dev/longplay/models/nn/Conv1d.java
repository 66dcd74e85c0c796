package dev.longplay.models.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import dev.longplay.models.weights.StateDict;

/**
 * {@code torch.nn.Conv1d} with symmetric zero padding. Weight [out, in, kernel], bias [out] or none.
 * Weight-normalised checkpoints ({@code weight_g}/{@code weight_v}) are folded at load time.
 */
public record Conv1d(NDArray weight, NDArray bias, int stride, int padding, int dilation) {

    /** Loads a weight-normed conv ({@code WNConv1d} in the reference), checking its shape against the config. */
    public static Conv1d loadWeightNormed(StateDict sd, long in, long out, int kernel, int stride, int padding,
                                          int dilation, boolean withBias) {
        NDArray w = sd.takeWeightNormed("weight", out, in, kernel);
        NDArray b = withBias ? sd.take("bias", out) : null;
        return new Conv1d(w, b, stride, padding, dilation);
    }

    // x: [B, in, T] -> [B, out, (T + 2*padding - dilation*(kernel-1) - 1) / stride + 1]
    public NDArray forward(NDArray x) {
        return ai.djl.nn.convolutional.Conv1d.conv1d(x, weight, bias, new Shape(stride), new Shape(padding),
                new Shape(dilation)).singletonOrThrow();
    }

    public long outLength(long inLength) {
        return (inLength + 2L * padding - (long) dilation * (kernelSize() - 1) - 1) / stride + 1;
    }

    public int kernelSize() {
        return (int) weight.getShape().get(2);
    }
}
