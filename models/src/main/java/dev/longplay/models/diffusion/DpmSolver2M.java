package dev.longplay.models.diffusion;

import ai.djl.ndarray.NDArray;

/**
 * DPM-Solver++(2M) (Lu et al. 2022; k-diffusion's sample_dpmpp_2m): a second-order multistep solver of the
 * probability-flow ODE in log-sigma time, reusing the previous denoised estimate.
 */
public final class DpmSolver2M implements Sampler {

    @Override
    public NDArray sample(ModelFunction model, NDArray x, double[] sigmas, NoiseSource noise, StepListener listener) {
        Denoiser denoiser = new VDenoiser(model);
        int steps = sigmas.length - 1;
        NDArray oldDenoised = null;
        x = x.duplicate();
        for (int i = 0; i < steps; i++) {
            NDArray denoised = denoiser.denoise(x, sigmas[i]);
            double t = -Math.log(sigmas[i]);
            double tNext = sigmas[i + 1] == 0 ? Double.POSITIVE_INFINITY : -Math.log(sigmas[i + 1]);
            double h = tNext - t;
            double ratio = sigmas[i + 1] / sigmas[i];        // sigma(t_next) / sigma(t)
            double coef = -Math.expm1(-h);                   // 1 - exp(-h), 1 at sigma_next = 0
            NDArray next;
            if (oldDenoised == null || sigmas[i + 1] == 0) {
                next = x.mul(ratio).addi(denoised.mul(coef));
            } else {
                double hLast = t - (-Math.log(sigmas[i - 1]));
                double r = hLast / h;
                double a = 1 + 1 / (2 * r);
                double b = 1 / (2 * r);
                try (NDArray d = denoised.mul(a).subi(oldDenoised.mul(b))) {
                    next = x.mul(ratio).addi(d.mul(coef));
                }
            }
            x.close();
            x = next;
            if (oldDenoised != null) {
                oldDenoised.close();
            }
            oldDenoised = denoised;
            Sampler.checkStep(listener, i + 1, steps);
        }
        if (oldDenoised != null) {
            oldDenoised.close();
        }
        return x;
    }
}
