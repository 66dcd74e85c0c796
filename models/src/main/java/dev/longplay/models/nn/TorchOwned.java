package dev.longplay.models.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;

/**
 * Tensors whose memory libtorch owns. DJL makes tensors from Java data (and the number in {@code x.mul(2f)}) over
 * a Java direct buffer, which the garbage collector frees once the NDArray is closed or unreachable; when
 * autograd has saved such a tensor for the backward pass (mul, div and pow save their operands), the gradient
 * then reads freed memory (seen as NaN or near-zero gradients after a GC). Code that runs under training makes
 * its constants and Java-made inputs with these.
 */
public final class TorchOwned {

    private TorchOwned() {
    }

    /** {@code value} as a tensor in {@code like}'s manager and type, to broadcast against it. */
    public static NDArray scalar(NDArray like, double value) {
        return like.getManager().full(new Shape(), (float) value, like.getDataType());
    }

    /** A libtorch-owned copy of {@code javaBacked} in the same manager; the Java-backed original is closed. */
    public static NDArray adopt(NDArray javaBacked) {
        NDArray copy = javaBacked.duplicate();
        javaBacked.close();
        return copy;
    }
}
