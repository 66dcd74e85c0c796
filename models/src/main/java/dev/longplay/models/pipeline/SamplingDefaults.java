package dev.longplay.models.pipeline;

/**
 * The sampling profile a model is published with, used where a request leaves a setting out.
 * v-objective (SAO 1.0 model card): DPM-Solver++ 3M SDE, 100 steps, CFG 7, sigma 0.3 to 500, rho 1.
 * Rectified flow after adversarial post-training (SAO small): 8 ping-pong steps without guidance.
 */
public record SamplingDefaults(String sampler, int steps, double cfgScale, double sigmaMin, double sigmaMax,
                               double rho, double initNoiseLevel) {

    public static SamplingDefaults forObjective(String objective) {
        return switch (objective) {
            case "rf_denoiser", "rectified_flow" -> new SamplingDefaults("pingpong", 8, 1.0, 0.0, 1.0, 1.0, 0.8);
            default -> new SamplingDefaults("dpmpp-3m-sde", 100, 7.0, 0.3, 500.0, 1.0, 3.0);
        };
    }
}
