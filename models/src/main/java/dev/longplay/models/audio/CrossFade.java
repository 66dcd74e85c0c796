package dev.longplay.models.audio;

/**
 * An equal-power cross-fade that stays equal-power when the two sides are alike. Sine/cosine gains keep the power
 * of unrelated signals constant, but two renderings of the same music (a window's re-rendering of the audio it was
 * told to keep, the audio itself) add in phase and would swell by up to 3 dB in the middle. The gains are therefore
 * divided by {@code sqrt(1 + 2·a·b·r)}, r the two sides' correlation over the fade (clamped to [0, 1]): r = 0 is the
 * plain equal-power fade, r = 1 an equal-gain one, and two identical sides come out unchanged.
 */
public final class CrossFade {

    private CrossFade() {
    }

    /**
     * Writes into {@code out[c][outFrom + i]} (i in [0, frames)) the fade from {@code from[c][fromAt + i]} to
     * {@code to[c][toAt + i]}; all channels share one correlation and one curve. {@code out} may be either input.
     */
    public static void mix(float[][] from, int fromAt, float[][] to, int toAt, int frames, float[][] out, int outFrom) {
        if (frames <= 0) {
            return;
        }
        double r = Math.max(0, Math.min(1, correlation(from, fromAt, to, toAt, frames)));
        for (int i = 0; i < frames; i++) {
            double phase = (i + 0.5) / frames * (Math.PI / 2);
            double a = Math.cos(phase);
            double b = Math.sin(phase);
            double norm = Math.sqrt(1 + 2 * a * b * r);
            for (int c = 0; c < out.length; c++) {
                float x = from[Math.min(c, from.length - 1)][fromAt + i];
                float y = to[Math.min(c, to.length - 1)][toAt + i];
                out[c][outFrom + i] = (float) ((a * x + b * y) / norm);
            }
        }
    }

    /** Pearson-like correlation about zero (audio has no DC worth removing); 0 when either side is silent. */
    static double correlation(float[][] x, int xAt, float[][] y, int yAt, int frames) {
        double xy = 0;
        double xx = 0;
        double yy = 0;
        int channels = Math.max(x.length, y.length);
        for (int c = 0; c < channels; c++) {
            float[] xc = x[Math.min(c, x.length - 1)];
            float[] yc = y[Math.min(c, y.length - 1)];
            for (int i = 0; i < frames; i++) {
                double a = xc[xAt + i];
                double b = yc[yAt + i];
                xy += a * b;
                xx += a * a;
                yy += b * b;
            }
        }
        return xx == 0 || yy == 0 ? 0 : xy / Math.sqrt(xx * yy);
    }
}
