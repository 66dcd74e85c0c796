package dev.longplay.models.diffusion;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

/** Noise given up front, handed out in order: reproduces a reference run whose noise was recorded. */
public final class ExplicitNoise implements NoiseSource {

    private final NDArray stacked;  // [n, ...shape]
    private int next;

    public ExplicitNoise(NDArray stacked) {
        this.stacked = stacked;
    }

    @Override
    public NDArray next(NDManager manager, Shape shape) {
        if (next >= stacked.getShape().get(0)) {
            throw new IllegalStateException("ran out of recorded noise after " + next + " draws");
        }
        NDArray n = stacked.get(next++);
        if (!n.getShape().equals(shape)) {
            throw new IllegalStateException("recorded noise has shape " + n.getShape() + ", sampler wants " + shape);
        }
        return n;
    }
}
