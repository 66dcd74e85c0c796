package dev.longplay.models.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import dev.longplay.models.weights.StateDict;

/**
 * {@code torch.nn.ConvTranspose1d} (stride s, kernel K, padding p, no output padding), which DJL's PyTorch
 * engine lacks, in polyphase form: output phase r (samples q*s + r) is an ordinary convolution of the input
 * with the taps r, r+s, r+2s, ... reversed. All s phases are one product of an [s*out, M*in] matrix with the
 * input's M shifted copies (M = ceil(K/s), 2 for Oobleck's K = 2s), then are interleaved. That costs exactly
 * the transposed conv's multiply-adds, s times fewer than zero-stuffing the input and running a K-tap conv,
 * and a matmul is ~9x faster than libtorch's conv for these few-frame, many-channel shapes.
 */
public final class ConvTranspose1d {

    private final NDArray phaseMatrix; // [s*out, M*in], column j*in + c holds tap j of input channel c; null while training
    private final NDArray phaseBias;   // [s*out, 1] or null
    private final NDArray weight;      // [in, out, K], kept only while training (it requires a gradient)
    private final NDArray bias;
    private final int outChannels;
    private final int stride;
    private final int kernel;
    private final int padding;
    private final int taps;

    /**
     * @param weight PyTorch layout [in, out, K]
     * @param bias   [out] or null
     */
    public ConvTranspose1d(NDArray weight, NDArray bias, int stride, int padding) {
        Shape ws = weight.getShape();
        long in = ws.get(0);
        this.outChannels = (int) ws.get(1);
        this.kernel = (int) ws.get(2);
        this.stride = stride;
        this.padding = padding;
        this.taps = (kernel + stride - 1) / stride;
        if (padding > kernel - 1) {
            throw new IllegalArgumentException("transposed conv padding " + padding + " exceeds kernel " + kernel + " - 1");
        }
        boolean training = weight.hasGradient() || (bias != null && bias.hasGradient());
        this.weight = training ? weight : null;
        this.bias = training ? bias : null;
        this.phaseMatrix = training ? null : phaseMatrix(weight);
        this.phaseBias = training || bias == null ? null : phaseBias(bias);
    }

    /** Whether the weights are being trained (then the caller must not free them after construction). */
    public boolean training() {
        return weight != null;
    }

    // tap k = m*s + r; pad K up to M*s with zero taps, then [in, out, M, s] -> flip m -> [s, out, M, in]
    private NDArray phaseMatrix(NDArray w) {
        long in = w.getShape().get(0);
        try (NDArray padded = w.pad(new Shape(0, (long) taps * stride - kernel), 0);
             NDArray grouped = padded.reshape(in, outChannels, taps, stride).flip(2);
             NDArray permuted = grouped.transpose(3, 1, 2, 0)) {
            return permuted.reshape((long) stride * outChannels, taps * in);
        }
    }

    private NDArray phaseBias(NDArray b) {
        return b.tile(stride).reshape((long) stride * outChannels, 1);
    }

    /** Loads a weight-normed transposed conv ({@code WNConvTranspose1d}); PyTorch's weight norm is over dim 0 (in). */
    public static ConvTranspose1d loadWeightNormed(StateDict sd, long in, long out, int kernel, int stride, int padding,
                                                   boolean withBias) {
        NDArray w = sd.takeWeightNormed("weight", in, out, kernel);
        NDArray b = withBias ? sd.take("bias", out) : null;
        ConvTranspose1d conv = new ConvTranspose1d(w, b, stride, padding);
        if (conv.training()) {
            return conv;
        }
        w.close();
        if (b != null) {
            b.close();
        }
        return conv;
    }

    /** [s·out, M·in]: column j·in + c holds tap j of input channel c, row r·out + o phase r of output o; null while training. */
    public NDArray phaseMatrix() {
        return phaseMatrix;
    }

    /** [s·out, 1], or null without a bias or while training. */
    public NDArray phaseBias() {
        return phaseBias;
    }

    public int stride() {
        return stride;
    }

    public int padding() {
        return padding;
    }

    public int kernel() {
        return kernel;
    }

    /** M = ⌈K / s⌉: how many input frames reach one output sample. */
    public int taps() {
        return taps;
    }

    /** (T - 1) * s - 2p + K, PyTorch's output length without output_padding. */
    public long outLength(long inLength) {
        return (inLength - 1) * stride - 2L * padding + kernel;
    }

    // x: [B, in, T] -> [B, out, (T-1)*s - 2p + K]
    public NDArray forward(NDArray x) {
        long batch = x.getShape().get(0);
        long length = x.getShape().get(2);
        // cols: [B, M*in, T + M - 1], the input zero-padded by M-1 on both sides and shifted by 0..M-1 frames
        NDArray cols = shiftedCopies(Precision.as(x, (weight == null ? phaseMatrix : weight).getDataType()), length);
        // z: [B, s*out, T + M - 1]; z[:, r*out + o, q] is the uncropped output at sample q*s + r
        NDArray z;
        if (weight == null) {
            z = Matmul.leftMultiply(phaseMatrix, cols, phaseBias);
        } else {
            // training: rebuild the phase matrix from the weight on each call so the gradient reaches it
            NDArray m = phaseMatrix(weight);
            NDArray pb = bias == null ? null : phaseBias(bias);
            m.attach(x.getManager());
            if (pb != null) {
                pb.attach(x.getManager());
            }
            z = Matmul.leftMultiply(m, cols, pb);
        }
        if (cols != x) {
            cols.close();
        }
        long frames = z.getShape().get(2);
        NDArray phases = z.reshape(batch, stride, outChannels, frames).transpose(0, 2, 3, 1);
        z.close();
        // full: [B, out, (T + M - 1) * s], then crop p samples on the left to PyTorch's length
        NDArray full = phases.reshape(batch, outChannels, frames * stride);
        phases.close();
        // a view: the next layer reads it in place, sparing a copy of the block's largest tensor
        NDArray y = full.get(":, :, " + padding + ":" + (padding + outLength(length)));
        full.close();
        return y;
    }

    private NDArray shiftedCopies(NDArray x, long length) {
        if (taps == 1) {
            return x;
        }
        try (NDArray padded = x.pad(new Shape(taps - 1, taps - 1), 0)) {
            NDList shifts = new NDList(taps);
            for (int j = 0; j < taps; j++) {
                shifts.add(padded.get(":, :, " + j + ":" + (j + length + taps - 1)));
            }
            NDArray cols = NDArrays.concat(shifts, 1);
            shifts.close();
            return cols;
        }
    }
}
