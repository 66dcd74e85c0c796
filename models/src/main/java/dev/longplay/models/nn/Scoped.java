package dev.longplay.models.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;

import java.util.function.UnaryOperator;

/** Runs a layer in a sub-manager so every intermediate it makes is freed when it returns; only the result survives. */
public final class Scoped {

    private Scoped() {
    }

    public static NDArray apply(NDArray x, UnaryOperator<NDArray> layer) {
        NDManager parent = x.getManager();
        try (NDManager scope = parent.newSubManager()) {
            x.tempAttach(scope);
            NDArray y = layer.apply(x);
            y.attach(parent);
            return y;
        }
    }
}
