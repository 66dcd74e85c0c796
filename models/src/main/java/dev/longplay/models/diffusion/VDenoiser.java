package dev.longplay.models.diffusion;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;

/**
 * A v-prediction network as a denoiser (k-diffusion's VDenoiser, sigma_data = 1): with
 * c_skip = 1/(sigma²+1), c_out = -sigma/sqrt(sigma²+1), c_in = 1/sqrt(sigma²+1) and t = atan(sigma)·2/π,
 * denoised = model(x·c_in, t)·c_out + x·c_skip.
 */
public record VDenoiser(ModelFunction model) implements Denoiser {

    /** The v-parameterisation's coefficients at one noise level. */
    public record Scalings(double cSkip, double cOut, double cIn) {
        public static Scalings at(double sigma) {
            double s2 = sigma * sigma + 1;
            return new Scalings(1 / s2, -sigma / Math.sqrt(s2), 1 / Math.sqrt(s2));
        }
    }

    public static double sigmaToT(double sigma) {
        return Math.atan(sigma) / Math.PI * 2;
    }

    @Override
    public NDArray denoise(NDArray x, double sigma) {
        Scalings c = Scalings.at(sigma);
        try (NDManager scope = x.getManager().newSubManager()) {
            NDArray t = scope.full(new ai.djl.ndarray.types.Shape(x.getShape().get(0)), (float) sigmaToT(sigma));
            NDArray scaled = x.mul(c.cIn());
            scaled.attach(scope);
            NDArray v = model.apply(scaled, t);
            v.attach(scope);
            NDArray out = v.mul(c.cOut()).addi(x.mul(c.cSkip()));
            out.attach(x.getManager());
            return out;
        }
    }
}
