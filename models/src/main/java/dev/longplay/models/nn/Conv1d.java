package dev.longplay.models.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.longplay.models.weights.StateDict;

/**
 * {@code torch.nn.Conv1d} with symmetric zero padding. Weight [out, in, kernel], bias [out] or none.
 * Weight-normalised checkpoints ({@code weight_g}/{@code weight_v}) are folded at load time. A weight that
 * requires a gradient (training) is used as it is on every call, never through a copy made at load.
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
    public NDArray forward(NDArray input) {
        NDArray x = Precision.as(input, weight.getDataType());
        if (pointwise != null && !weight.hasGradient()) {
            return Matmul.leftMultiply(pointwise, x, biasColumn);
        }
        if (pointwise != null) {
            // training: reshape on every call so the gradient flows back to the stored weight
            Shape s = weight.getShape();
            NDArray m = weight.reshape(s.get(0), s.get(1));
            NDArray b = bias == null ? null : bias.reshape(s.get(0), 1);
            m.attach(x.getManager());
            if (b != null) {
                b.attach(x.getManager());
            }
            return Matmul.leftMultiply(m, x, b);
        }
        if (weight.hasGradient()) {
            return trainingForward(x);
        }
        return ai.djl.nn.convolutional.Conv1d.conv1d(x, weight, bias, new Shape(stride), new Shape(padding),
                new Shape(dilation)).singletonOrThrow();
    }

    /**
     * The same convolution as one matrix product over the kernel's shifted copies of the input. Training needs
     * it: libtorch 2.7.1's CPU conv1d backward (no NNPACK) returns an input gradient that differs from call to
     * call on identical inputs, while matmul's is exact.
     */
    private NDArray trainingForward(NDArray x) {
        Shape s = weight.getShape();
        long out = s.get(0);
        long in = s.get(1);
        int k = (int) s.get(2);
        long length = x.getShape().get(2);
        long outLength = (length + 2L * padding - (long) dilation * (k - 1) - 1) / stride + 1;
        NDManager scope = x.getManager();
        NDArray padded = padding > 0 ? x.pad(new Shape(padding, padding), 0) : x;
        NDList taps = new NDList(k);
        for (int j = 0; j < k; j++) {
            long start = (long) j * dilation;
            long end = start + (long) stride * (outLength - 1) + 1;
            taps.add(padded.get(":, :, " + start + ":" + end + (stride > 1 ? ":" + stride : "")));
        }
        NDArray cols = NDArrays.concat(taps, 1);                               // [B, k*in, outLength], row j*in + c
        NDArray matrix = weight.transpose(0, 2, 1).reshape(out, (long) k * in); // column j*in + c
        NDArray b = bias == null ? null : bias.reshape(out, 1);
        matrix.attach(scope);
        if (b != null) {
            b.attach(scope);
        }
        return Matmul.leftMultiply(matrix, cols, b);
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
