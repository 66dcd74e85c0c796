package dev.longplay.models.diffusion;

/** Told after each sampler step; returning false stops sampling there (cancellation between steps). */
@FunctionalInterface
public interface StepListener {

    StepListener NONE = (step, total) -> true;

    boolean afterStep(int step, int total);
}
