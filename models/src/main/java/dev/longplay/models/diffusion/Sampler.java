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

    /** By the name stable-audio-tools gives it ("dpmpp-3m-sde", "pingpong", ...). */
    static Sampler forName(String name) {
        return switch (name) {
            case "dpmpp-2m" -> new DpmSolver2M();
            case "dpmpp-3m-sde" -> new DpmSolver3MSde(1.0, 1.0);
            case "euler", "k-euler" -> new EulerSampler();
            case "pingpong" -> new PingPongSampler();
            case "rf-euler" -> new RfEulerSampler();
            default -> throw new IllegalArgumentException("unknown sampler '" + name
                    + "' (dpmpp-3m-sde, dpmpp-2m, euler for v models; pingpong, rf-euler for rectified flow)");
        };
    }

    static void checkStep(StepListener listener, int step, int total) {
        if (!listener.afterStep(step, total)) {
            throw new SamplingCancelledException(step, total);
        }
    }
}
