package dev.longplay.models.audio;

/**
 * Band-limited sample-rate conversion by a rational factor (Kaiser-windowed sinc, polyphase). Used off the
 * audio thread: for init audio going into a model and for clips going out to a device at its own rate.
 * Cut-off sits at 0.94 of the lower Nyquist frequency, stop-band attenuation about 90 dB.
 */
public final class Resampler {

    private static final int HALF_TAPS = 32;     // taps per side, at the lower of the two rates
    private static final double KAISER_BETA = 9.0;
    private static final double CUTOFF = 0.94;

    private final int up;
    private final int down;
    private final int halfLength;
    private final float[][] phases;  // [phase][tap]

    public Resampler(int fromRate, int toRate) {
        if (fromRate <= 0 || toRate <= 0) {
            throw new IllegalArgumentException("sample rates must be positive: " + fromRate + " -> " + toRate);
        }
        int g = gcd(fromRate, toRate);
        this.up = toRate / g;
        this.down = fromRate / g;
        // Filter at the up-sampled rate; its cut-off is the lower Nyquist frequency.
        double cutoff = CUTOFF / Math.max(up, down);
        this.halfLength = (int) Math.ceil(HALF_TAPS * (double) Math.max(up, down) / up);
        this.phases = new float[up][2 * halfLength];
        for (int phase = 0; phase < up; phase++) {
            for (int k = 0; k < 2 * halfLength; k++) {
                // Tap k of this phase multiplies input sample (base - halfLength + 1 + k).
                double t = (double) (k - halfLength + 1) * up - phase;
                double w = kaiser(t / (halfLength * (double) up), KAISER_BETA);
                phases[phase][k] = (float) (up * cutoff * sinc(cutoff * t) * w);
            }
        }
    }

    public static float[][] resample(float[][] planar, int fromRate, int toRate) {
        if (fromRate == toRate) {
            float[][] copy = new float[planar.length][];
            for (int c = 0; c < planar.length; c++) {
                copy[c] = planar[c].clone();
            }
            return copy;
        }
        Resampler r = new Resampler(fromRate, toRate);
        float[][] out = new float[planar.length][];
        for (int c = 0; c < planar.length; c++) {
            out[c] = r.process(planar[c]);
        }
        return out;
    }

    /** Output length: ceil(n * up / down), so a clip keeps its duration. */
    public int outputLength(int n) {
        return (int) (((long) n * up + down - 1) / down);
    }

    public float[] process(float[] in) {
        int n = in.length;
        float[] out = new float[outputLength(n)];
        for (int i = 0; i < out.length; i++) {
            long pos = (long) i * down;          // position at the up-sampled rate
            int base = (int) (pos / up);
            int phase = (int) (pos % up);
            float[] h = phases[phase];
            int first = base - halfLength + 1;
            double acc = 0;
            for (int k = 0; k < h.length; k++) {
                int j = first + k;
                if (j >= 0 && j < n) {
                    acc += h[k] * in[j];
                }
            }
            out[i] = (float) acc;
        }
        return out;
    }

    private static double sinc(double x) {
        if (Math.abs(x) < 1e-12) {
            return 1.0;
        }
        double px = Math.PI * x;
        return Math.sin(px) / px;
    }

    private static double kaiser(double x, double beta) {
        if (Math.abs(x) > 1) {
            return 0;
        }
        return besselI0(beta * Math.sqrt(1 - x * x)) / besselI0(beta);
    }

    private static double besselI0(double x) {
        double sum = 1;
        double term = 1;
        for (int k = 1; k < 50; k++) {
            term *= (x / (2 * k)) * (x / (2 * k));
            sum += term;
            if (term < 1e-12 * sum) {
                break;
            }
        }
        return sum;
    }

    private static int gcd(int a, int b) {
        while (b != 0) {
            int t = a % b;
            a = b;
            b = t;
        }
        return a;
    }
}
