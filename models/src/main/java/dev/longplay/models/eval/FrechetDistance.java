package dev.longplay.models.eval;

import java.util.List;

/**
 * Fréchet distance between two sets of clips, as FAD computes it, on a small hand-made embedding (mean and
 * spread of log energy in 16 log-spaced bands): |μ₁ − μ₂|² + tr(Σ₁ + Σ₂ − 2 (Σ₁^½ Σ₂ Σ₁^½)^½).
 * Lower means the generated set is distributed more like the reference set.
 */
public final class FrechetDistance {

    static final int BANDS = 16;

    private FrechetDistance() {
    }

    public static double between(List<float[]> a, List<float[]> b, int sampleRate) {
        double[][] ea = a.stream().map(x -> embed(x, sampleRate)).toArray(double[][]::new);
        double[][] eb = b.stream().map(x -> embed(x, sampleRate)).toArray(double[][]::new);
        return distance(mean(ea), covariance(ea), mean(eb), covariance(eb));
    }

    /** [2·BANDS]: per band, the mean and the standard deviation over frames of log energy. */
    static double[] embed(float[] mono, int sampleRate) {
        int n = 512;
        double lo = 40;
        double hi = sampleRate / 2.0;
        double[] sum = new double[BANDS];
        double[] sq = new double[BANDS];
        int frames = 0;
        for (int from = 0; from + n <= Math.max(n, mono.length); from += n / 2) {
            double[] mag = Spectrum.magnitudes(mono, from, n);
            double[] band = new double[BANDS];
            for (int k = 1; k < mag.length; k++) {
                double hz = (double) k * sampleRate / n;
                int i = (int) Math.floor(BANDS * Math.log(Math.max(hz, lo) / lo) / Math.log(hi / lo));
                band[Math.min(BANDS - 1, Math.max(0, i))] += mag[k] * mag[k];
            }
            for (int i = 0; i < BANDS; i++) {
                double v = Math.log(1e-8 + band[i]);
                sum[i] += v;
                sq[i] += v * v;
            }
            frames++;
        }
        double[] e = new double[2 * BANDS];
        for (int i = 0; i < BANDS; i++) {
            e[i] = sum[i] / frames;
            e[BANDS + i] = Math.sqrt(Math.max(0, sq[i] / frames - e[i] * e[i]));
        }
        return e;
    }

    static double distance(double[] m1, double[][] s1, double[] m2, double[][] s2) {
        double d = 0;
        for (int i = 0; i < m1.length; i++) {
            d += (m1[i] - m2[i]) * (m1[i] - m2[i]);
        }
        double[][] root1 = SymmetricEigen.sqrt(s1);
        double[][] m = multiply(multiply(root1, s2), root1);
        double traceRoot = 0;
        for (double lambda : SymmetricEigen.values(m)) {
            traceRoot += Math.sqrt(Math.max(0, lambda));
        }
        // identical sets cancel to within rounding, which may fall a hair below zero: a distance is not negative
        return Math.max(0, d + trace(s1) + trace(s2) - 2 * traceRoot);
    }

    private static double[] mean(double[][] x) {
        double[] m = new double[x[0].length];
        for (double[] row : x) {
            for (int j = 0; j < m.length; j++) {
                m[j] += row[j] / x.length;
            }
        }
        return m;
    }

    private static double[][] covariance(double[][] x) {
        double[] m = mean(x);
        int d = m.length;
        double[][] c = new double[d][d];
        for (double[] row : x) {
            for (int i = 0; i < d; i++) {
                for (int j = 0; j < d; j++) {
                    c[i][j] += (row[i] - m[i]) * (row[j] - m[j]) / Math.max(1, x.length - 1);
                }
            }
        }
        return c;
    }

    private static double[][] multiply(double[][] a, double[][] b) {
        int n = a.length;
        double[][] c = new double[n][n];
        for (int i = 0; i < n; i++) {
            for (int k = 0; k < n; k++) {
                for (int j = 0; j < n; j++) {
                    c[i][j] += a[i][k] * b[k][j];
                }
            }
        }
        return c;
    }

    private static double trace(double[][] a) {
        double t = 0;
        for (int i = 0; i < a.length; i++) {
            t += a[i][i];
        }
        return t;
    }
}
