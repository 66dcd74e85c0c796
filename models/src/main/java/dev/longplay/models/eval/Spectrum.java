package dev.longplay.models.eval;

import dev.longplay.models.audio.Fft;

/** Magnitude spectra of mono audio by a plain radix-2 FFT (the eval runs on short clips; no engine needed). */
final class Spectrum {

    private Spectrum() {
    }

    /** |X(k)| for k = 0 … n/2 of a Hann-windowed frame of length n (a power of two) starting at {@code from}. */
    static double[] magnitudes(float[] x, int from, int n) {
        double[] re = new double[n];
        double[] im = new double[n];
        for (int i = 0; i < n; i++) {
            int j = from + i;
            double w = 0.5 - 0.5 * Math.cos(2 * Math.PI * i / n);
            re[i] = j < x.length ? x[j] * w : 0;
        }
        Fft.transform(re, im);
        double[] mag = new double[n / 2 + 1];
        for (int k = 0; k < mag.length; k++) {
            mag[k] = Math.hypot(re[k], im[k]);
        }
        return mag;
    }

    /** The mean magnitude spectrum over hops of n/2 across the whole signal. */
    static double[] average(float[] x, int n) {
        double[] sum = new double[n / 2 + 1];
        int frames = 0;
        for (int from = 0; from + n <= Math.max(n, x.length); from += n / 2) {
            double[] m = magnitudes(x, from, n);
            for (int k = 0; k < sum.length; k++) {
                sum[k] += m[k];
            }
            frames++;
        }
        for (int k = 0; k < sum.length; k++) {
            sum[k] /= frames;
        }
        return sum;
    }

    static int powerOfTwoAtMost(int n) {
        return Integer.highestOneBit(Math.max(2, n));
    }
}
