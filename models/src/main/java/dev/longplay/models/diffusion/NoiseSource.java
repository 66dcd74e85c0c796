package dev.longplay.models.diffusion;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

/** Gaussian noise as samplers draw it, one tensor per call, in order. */
@FunctionalInterface
public interface NoiseSource {

    NDArray next(NDManager manager, Shape shape);
}
