package dev.longplay.models.transformer;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.longplay.models.nn.TorchOwned;

/**
 * The angles p·f_j [n, frequencies] for positions p = 0..n−1, which rotary and absolute sinusoidal positions both
 * take the sine and cosine of. Made on {@code m}'s device, in float32 as the reference's einsum of positions and
 * frequencies: a long clip needs millions of them at every DiT call.
 */
final class PositionAngles {

    private PositionAngles() {
    }

    static NDArray of(NDManager m, int n, float[] frequencies) {
        try (NDArray positions = m.arange(0f, (float) n, 1f).reshape(n, 1);
             NDArray f = TorchOwned.adopt(m.create(frequencies, new Shape(1, frequencies.length)))) {
            return positions.mul(f);
        }
    }
}
