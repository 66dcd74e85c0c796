package dev.longplay.models.diffusion;

/** Noise schedules, each ending with the final 0 the samplers step to (k-diffusion's get_sigmas_*). */
public final class Sigmas {

    private Sigmas() {
    }

    /** Polynomial in log sigma: exp(ramp^rho · (log max − log min) + log min), ramp from 1 to 0 over n. */
    public static double[] polyexponential(int n, double sigmaMin, double sigmaMax, double rho) {
        check(n, sigmaMin, sigmaMax);
        double[] s = new double[n + 1];
        double logMin = Math.log(sigmaMin);
        double logMax = Math.log(sigmaMax);
        for (int i = 0; i < n; i++) {
            double ramp = n == 1 ? 1.0 : 1.0 - (double) i / (n - 1);
            s[i] = Math.exp(Math.pow(ramp, rho) * (logMax - logMin) + logMin);
        }
        return s;
    }

    /** Karras et al. (2022): (max^(1/rho) + ramp·(min^(1/rho) − max^(1/rho)))^rho, ramp from 0 to 1. */
    public static double[] karras(int n, double sigmaMin, double sigmaMax, double rho) {
        check(n, sigmaMin, sigmaMax);
        double[] s = new double[n + 1];
        double minInv = Math.pow(sigmaMin, 1 / rho);
        double maxInv = Math.pow(sigmaMax, 1 / rho);
        for (int i = 0; i < n; i++) {
            double ramp = n == 1 ? 0.0 : (double) i / (n - 1);
            s[i] = Math.pow(maxInv + ramp * (minInv - maxInv), rho);
        }
        return s;
    }

    /**
     * The rectified-flow time schedule of the reference's sample_rf: log-SNR evenly spaced from
     * log((1 − tMax)/tMax) (−6 when starting from pure noise) to 2, t = sigmoid(−logSNR), with t[0] = tMax and
     * t[steps] = 0.
     */
    public static double[] rectifiedFlow(int steps, double tMax) {
        if (steps < 1 || !(tMax > 0) || tMax > 1) {
            throw new IllegalArgumentException("need steps >= 1 and 0 < t_max <= 1");
        }
        double logSnrMax = tMax < 1 ? Math.log((1 - tMax) / tMax + 1e-6) : -6;
        double[] t = new double[steps + 1];
        for (int i = 0; i <= steps; i++) {
            double logSnr = logSnrMax + (2 - logSnrMax) * i / steps;
            t[i] = 1 / (1 + Math.exp(logSnr));
        }
        t[0] = tMax;
        t[steps] = 0;
        return t;
    }

    private static void check(int n, double sigmaMin, double sigmaMax) {
        if (n < 1 || !(sigmaMin > 0) || !(sigmaMax >= sigmaMin)) {
            throw new IllegalArgumentException("need n >= 1 and 0 < sigma_min <= sigma_max, got n=" + n
                    + ", sigma_min=" + sigmaMin + ", sigma_max=" + sigmaMax);
        }
    }
}
