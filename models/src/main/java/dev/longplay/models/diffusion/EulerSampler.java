package dev.longplay.models.diffusion;

import ai.djl.ndarray.NDArray;

/** Euler steps of the probability-flow ODE (Karras et al. 2022, Algorithm 2 without churn). */
public final class EulerSampler implements Sampler {

    @Override
    public NDArray sample(ModelFunction model, NDArray x, double[] sigmas, NoiseSource noise, StepListener listener) {
        Denoiser denoiser = new VDenoiser(model);
        int steps = sigmas.length - 1;
        x = x.duplicate();
        for (int i = 0; i < steps; i++) {
            try (NDArray denoised = denoiser.denoise(x, sigmas[i])) {
                // d = (x - denoised) / sigma; x += d · (sigma_next - sigma)
                double dt = sigmas[i + 1] - sigmas[i];
                try (NDArray d = x.sub(denoised).divi(sigmas[i])) {
                    x.addi(d.mul(dt));
                }
            }
            Sampler.checkStep(listener, i + 1, steps);
        }
        return x;
    }
}
