package dev.longplay.models.diffusion;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SamplersTest {

    /** k-diffusion's polyexponential schedule, written out: sigma_i = exp((1 - i/(n-1))^rho (ln max - ln min) + ln min). */
    @Test
    void polyexponentialMatchesItsFormula() {
        double[] s = Sigmas.polyexponential(4, 0.3, 500, 1.0);
        assertEquals(5, s.length);
        assertEquals(500, s[0], 1e-9);
        assertEquals(Math.exp(2.0 / 3 * (Math.log(500) - Math.log(0.3)) + Math.log(0.3)), s[1], 1e-9);
        assertEquals(0.3, s[3], 1e-12);
        assertEquals(0, s[4]);
        double[] r2 = Sigmas.polyexponential(3, 0.03, 1000, 2.0);
        assertEquals(Math.exp(0.25 * (Math.log(1000) - Math.log(0.03)) + Math.log(0.03)), r2[1], 1e-9);
    }

    /** The golden README's rule: logsnr = linspace(-6, 2, steps+1), t = sigmoid(-logsnr), t[0] = 1, t[-1] = 0. */
    @Test
    void rectifiedFlowScheduleFollowsTheReference() {
        double[] t = Sigmas.rectifiedFlow(8, 1.0);
        assertEquals(9, t.length);
        assertEquals(1.0, t[0]);
        assertEquals(0.0, t[8]);
        assertEquals(1 / (1 + Math.exp(-6 + 8.0 * 3 / 8)), t[3], 1e-12);
    }

    /** The v-denoiser's time is atan(sigma)·2/π: 0.5 at sigma 1, close to 1 for large sigma. */
    @Test
    void sigmaToTime() {
        assertEquals(0.5, VDenoiser.sigmaToT(1.0), 1e-12);
        assertEquals(2 / Math.PI * Math.atan(500), VDenoiser.sigmaToT(500), 1e-12);
    }

    /**
     * A v-model whose data distribution is one point x0: its denoiser returns x0 everywhere, so the
     * probability-flow ODE is x(σ) = x0 + σ/σ0 (x(σ0) − x0) and every sampler must land on x0.
     */
    private static ModelFunction pointMass(NDArray x0) {
        return (xScaled, t) -> {
            double sigma = Math.tan(t.getFloat(0) * Math.PI / 2);
            double s2 = sigma * sigma + 1;
            // model output v with denoised = v·c_out + x·c_skip = x0, where x = xScaled / c_in
            NDArray x = xScaled.mul(Math.sqrt(s2));
            return x0.sub(x.mul(1 / s2)).div(-sigma / Math.sqrt(s2));
        };
    }

    @ParameterizedTest
    @ValueSource(strings = {"dpmpp-2m", "dpmpp-3m-sde", "euler"})
    void samplersLandOnAPointMass(String name) {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray x0 = m.create(new float[]{0.5f, -1.25f, 2f, 0f, 0.75f, -0.1f}, new Shape(1, 2, 3));
            double[] sigmas = Sigmas.polyexponential(12, 0.3, 80, 1.0);
            NDArray start = new SeededNoise(3).next(m, x0.getShape()).mul(sigmas[0]);
            NDArray out = Sampler.forName(name).sample(pointMass(x0), start, sigmas, new SeededNoise(4), StepListener.NONE);
            assertTrue(out.sub(x0).abs().max().getFloat() < 1e-3, name + " ended at " + out);
        }
    }

    /** Euler on the point mass is exact: after one step x = x0 + (σ1/σ0)(x − x0). */
    @Test
    void eulerStepFollowsTheExactOde() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray x0 = m.create(new float[]{1f, -2f}, new Shape(1, 1, 2));
            NDArray start = m.create(new float[]{10f, 30f}, new Shape(1, 1, 2));
            NDArray out = new EulerSampler().sample(pointMass(x0), start, new double[]{20, 5}, new SeededNoise(1),
                    StepListener.NONE);
            assertArrayEquals(new float[]{1f + 0.25f * 9f, -2f + 0.25f * 32f}, out.toFloatArray(), 1e-4f);
        }
    }

    @Test
    void seededNoiseIsReproducibleAndStandardNormal() {
        float[] a = SeededNoise.stream(42, SeededNoise.INITIAL).gaussian(100_000);
        float[] b = SeededNoise.stream(42, SeededNoise.INITIAL).gaussian(100_000);
        float[] c = SeededNoise.stream(42, SeededNoise.SAMPLER).gaussian(10);
        assertArrayEquals(a, b);
        assertTrue(Math.abs(a[0] - c[0]) > 0 || Math.abs(a[1] - c[1]) > 0, "streams must differ");
        double mean = 0;
        double var = 0;
        for (float v : a) {
            mean += v;
        }
        mean /= a.length;
        for (float v : a) {
            var += (v - mean) * (v - mean);
        }
        var /= a.length;
        assertEquals(0, mean, 0.02);
        assertEquals(1, var, 0.02);
    }

    @Test
    void cancellationStopsBetweenSteps() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray x0 = m.zeros(new Shape(1, 1, 4));
            AtomicInteger seen = new AtomicInteger();
            SamplingCancelledException e = assertThrows(SamplingCancelledException.class, () ->
                    new DpmSolver2M().sample(pointMass(x0), m.ones(new Shape(1, 1, 4)),
                            Sigmas.polyexponential(10, 0.3, 80, 1), new SeededNoise(1),
                            (step, total) -> seen.incrementAndGet() < 3));
            assertEquals(3, seen.get());
            assertTrue(e.getMessage().contains("step 3 of 10"), e.getMessage());
        }
    }
}
