package dev.longplay.models.autoencoder;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import dev.longplay.models.nn.Conv1d;
import dev.longplay.models.weights.StateDict;

/**
 * The decoder's alternative upsampler ({@code use_nearest_upsample}): repeat every frame s times, then a
 * bias-free conv with kernel 2s and PyTorch's {@code padding='same'} (s-1 zeros left, s right).
 */
public record NearestUpsample(Conv1d conv, int stride) implements Upsampler {

    /** Keys: layers.1 (nn.Upsample, no weights), layers.1.1 the conv. */
    public static NearestUpsample load(StateDict sd, long in, long out, int stride) {
        Conv1d conv = Conv1d.loadWeightNormed(sd.scope("1"), in, out, 2 * stride, 1, 0, 1, false);
        return new NearestUpsample(conv, stride);
    }

    @Override
    public NDArray apply(NDArray x) {
        return forward(x);
    }

    // x: [B, in, T] -> [B, out, T*s]
    public NDArray forward(NDArray x) {
        Shape s = x.getShape();
        NDArray repeated = x.reshape(s.get(0), s.get(1), s.get(2), 1)
                .broadcast(s.get(0), s.get(1), s.get(2), stride)
                .reshape(s.get(0), s.get(1), s.get(2) * stride);
        // 'same' padding for an even kernel 2s: total 2s-1, the smaller half on the left
        NDArray padded = repeated.pad(new Shape(stride - 1, stride), 0);
        repeated.close();
        NDArray y = conv.forward(padded);
        padded.close();
        return y;
    }
}
