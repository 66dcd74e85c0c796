package dev.longplay.models.nn;

import ai.djl.ndarray.NDArray;

import java.util.List;
import java.util.function.UnaryOperator;

/** {@code nn.Sequential} for activations: each layer's output feeds the next and is closed once consumed. */
public final class Sequential {

    private Sequential() {
    }

    /** Applies {@code layers} in order; every intermediate is closed, the input never. */
    public static NDArray apply(NDArray x, List<UnaryOperator<NDArray>> layers) {
        NDArray h = x;
        for (UnaryOperator<NDArray> layer : layers) {
            NDArray next = layer.apply(h);
            if (h != x && next != h) {
                h.close();
            }
            h = next;
        }
        return h;
    }
}
