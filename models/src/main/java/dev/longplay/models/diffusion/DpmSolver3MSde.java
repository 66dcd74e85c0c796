package dev.longplay.models.diffusion;

import ai.djl.ndarray.NDArray;

/**
 * DPM-Solver++(3M) SDE (k-diffusion's sample_dpmpp_3m_sde), Stable Audio Open's default: a third-order
 * multistep update of the data prediction, with eta-scaled fresh noise each step. The noise normally comes
 * from a Brownian tree; here from a {@link NoiseSource}, one draw per non-final step.
 */
public final class DpmSolver3MSde implements Sampler {

    private final double eta;
    private final double sNoise;

    public DpmSolver3MSde(double eta, double sNoise) {
        this.eta = eta;
        this.sNoise = sNoise;
    }

    @Override
    public NDArray sample(ModelFunction model, NDArray x, double[] sigmas, NoiseSource noise, StepListener listener) {
        Denoiser denoiser = new VDenoiser(model);
        int steps = sigmas.length - 1;
        NDArray d1Prev = null;   // denoised one step back
        NDArray d2Prev = null;   // two steps back
        double h1 = Double.NaN;
        double h2 = Double.NaN;
        x = x.duplicate();
        for (int i = 0; i < steps; i++) {
            NDArray denoised = denoiser.denoise(x, sigmas[i]);
            double h = Double.NaN;
            NDArray next;
            if (sigmas[i + 1] == 0) {
                next = denoised.duplicate();
            } else {
                double t = -Math.log(sigmas[i]);
                double s = -Math.log(sigmas[i + 1]);
                h = s - t;
                double hEta = h * (eta + 1);
                next = x.mul(Math.exp(-hEta)).addi(denoised.mul(-Math.expm1(-hEta)));
                double phi2 = Math.expm1(-hEta) / hEta + 1;
                if (d2Prev != null) {
                    double r0 = h1 / h;
                    double r1 = h2 / h;
                    double phi3 = phi2 / hEta - 0.5;
                    try (NDArray d10 = denoised.sub(d1Prev).divi(r0);
                         NDArray d11 = d1Prev.sub(d2Prev).divi(r1);
                         NDArray diff = d10.sub(d11)) {
                        // d1 = d1_0 + (d1_0 - d1_1)·r0/(r0+r1); d2 = (d1_0 - d1_1)/(r0+r1)
                        try (NDArray d1 = d10.add(diff.mul(r0 / (r0 + r1)))) {
                            next.addi(d1.mul(phi2)).subi(diff.mul(phi3 / (r0 + r1)));
                        }
                    }
                } else if (d1Prev != null) {
                    double r = h1 / h;
                    try (NDArray d = denoised.sub(d1Prev).divi(r)) {
                        next.addi(d.mul(phi2));
                    }
                }
                if (eta != 0) {
                    double scale = sigmas[i + 1] * Math.sqrt(-Math.expm1(-2 * h * eta)) * sNoise;
                    NDArray z = noise.next(x.getManager(), x.getShape());
                    next.addi(z.mul(scale));
                    z.close();
                }
            }
            x.close();
            x = next;
            if (d2Prev != null) {
                d2Prev.close();
            }
            d2Prev = d1Prev;
            d1Prev = denoised;
            h2 = h1;
            h1 = h;
            Sampler.checkStep(listener, i + 1, steps);
        }
        if (d1Prev != null) {
            d1Prev.close();
        }
        if (d2Prev != null) {
            d2Prev.close();
        }
        return x;
    }
}
