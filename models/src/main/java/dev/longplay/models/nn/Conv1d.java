package dev.longplay.models.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import dev.longplay.models.weights.StateDict;

/**
 * {@code torch.nn.Conv1d} with symmetric zero padding. Weight [out, in, kernel], bias [out] or none.
 * Weight-normalised checkpoints ({@code weight_g}/{@code weight_v}) are folded at load time.
 */
public final class Conv1d {

    private final NDArray weight;
    private final NDArray bias;
    private final int stride;
    private final int padding;
    private final int dilation;
    /** For 1x1 convs: weight as [out, in] and bias as [out, 1]; libtorch's conv path is ~10x slower than matmul there. */
    private final NDArray pointwise;
    private final NDArray biasColumn;

    public Conv1d(NDArray weight, NDArray bias, int stride, int padding, int dilation) {
        this.weight = weight;
        this.bias = bias;
        this.stride = stride;
        this.padding = padding;
        this.dilation = dilation;
        Shape s = weight.getShape();
        boolean isPointwise = s.get(2) == 1 && stride == 1 && padding == 0;
        this.pointwise = isPointwise ? weight.reshape(s.get(0), s.get(1)) : null;
        this.biasColumn = isPointwise && bias != null ? bias.reshape(s.get(0), 1) : null;
    }

    /** Loads a weight-normed conv ({@code WNConv1d} in the reference), checking its shape against the config. */
    public static Conv1d loadWeightNormed(StateDict sd, long in, long out, int kernel, int stride, int padding,
                                          int dilation, boolean withBias) {
        NDArray w = sd.takeWeightNormed("weight", out, in, kernel);
        NDArray b = withBias ? sd.take("bias", out) : null;
        return new Conv1d(w, b, stride, padding, dilation);
    }

    // x: [B, in, T] -> [B, out, (T + 2*padding - dilation*(kernel-1) - 1) / stride + 1]
    public NDArray forward(NDArray x) {
        if (pointwise != null) {
            return Matmul.leftMultiply(pointwise, x, biasColumn);
        }
        return ai.djl.nn.convolutional.Conv1d.conv1d(x, weight, bias, new Shape(stride), new Shape(padding),
                new Shape(dilation)).singletonOrThrow();
    }

    public NDArray weight() {
        return weight;
    }

    public NDArray bias() {
        return bias;
    }

    public int stride() {
        return stride;
    }

    public int padding() {
        return padding;
    }

    public int dilation() {
        return dilation;
    }

    public int kernelSize() {
        return (int) weight.getShape().get(2);
    }
}
