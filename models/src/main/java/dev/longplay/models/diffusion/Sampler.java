package dev.longplay.models.diffusion;

import ai.djl.ndarray.NDArray;

/**
 * A sampler over a schedule: k-diffusion samplers take sigmas and a denoiser; rectified-flow samplers take
 * flow times and the raw model. Both start from x (already scaled/mixed to the schedule's first value).
 */
public interface Sampler {

    /** Whether this sampler works on rectified-flow models (times in [0, 1]) rather than v/eps denoisers. */
    default boolean rectifiedFlow() {
        return false;
    }

    // x: [B, C, T] at schedule[0] -> the sample at schedule[last] (0)
    NDArray sample(ModelFunction model, NDArray x, double[] schedule, NoiseSource noise, StepListener listener);

    /**
     * The sampler a request's name means on a model of this kind (see {@link SamplerName}: canonical names, and
     * "euler" as the Euler sampler of the model's kind). An unknown name, or one of the other kind, is refused
     * with an {@link IllegalArgumentException} listing the names the model takes.
     */
    static Sampler forName(String name, boolean rectifiedFlow) {
        return SamplerName.resolve(name, rectifiedFlow).create();
    }

    /**
     * A sampler by a name that says its kind by itself, for callers without a model (reference cases, tests);
     * "euler" is read as {@code k-euler}, the stable-audio-tools k-diffusion name these callers use.
     */
    static Sampler forName(String name) {
        SamplerName s = SamplerName.byCanonical(name);
        return s != null ? s.create() : SamplerName.resolve(name, false).create();
    }

    static void checkStep(StepListener listener, int step, int total) {
        if (!listener.afterStep(step, total)) {
            throw new SamplingCancelledException(step, total);
        }
    }
}
