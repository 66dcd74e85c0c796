package dev.longplay.models.metrics;

import java.util.Arrays;

/**
 * Loudness as ITU-R BS.1770-4 and EBU R128 / Tech 3341-3342 define it: K-weighting (a high shelf and the RLB high-pass,
 * designed for the actual sample rate by the bilinear transform rather than the 48 kHz coefficients of the standard's
 * table), mean square per channel over 400 ms blocks every 100 ms, an absolute gate at −70 LUFS and a relative gate
 * 10 LU below the absolutely gated level for integrated loudness; 3 s short-term blocks with gates at −70 LUFS and
 * −20 LU, 10th to 95th percentile, for the loudness range. Channels are weighted 1 (mono, or left and right).
 */
public final class LoudnessMeter {

    /** Integrated loudness (LUFS) and loudness range (LU); NEGATIVE_INFINITY / 0 when nothing passes the gate. */
    public record Loudness(double integratedLufs, double rangeLu) {
    }

    private static final double ABSOLUTE_GATE = -70;
    private static final double RELATIVE_GATE = -10;
    private static final double RANGE_RELATIVE_GATE = -20;

    private LoudnessMeter() {
    }

    /** {@code audio}: [channels][frames] at {@code sampleRate}. */
    public static Loudness measure(float[][] audio, int sampleRate) {
        double[][] weighted = new double[audio.length][];
        for (int c = 0; c < audio.length; c++) {
            weighted[c] = kWeight(audio[c], sampleRate);
        }
        int step = sampleRate / 10;
        double integrated = gatedLoudness(blockPowers(weighted, 4 * step, step), RELATIVE_GATE);
        double[] shortTerm = blockPowers(weighted, 30 * step, step);
        return new Loudness(integrated, range(shortTerm));
    }

    /** K-weighted copy of one channel: the two biquads of BS.1770, in double precision. */
    static double[] kWeight(float[] x, int sampleRate) {
        double[] shelf = highShelf(sampleRate);
        double[] highPass = highPass(sampleRate);
        double[] y = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            y[i] = x[i];
        }
        biquad(y, shelf);
        biquad(y, highPass);
        return y;
    }

    // The filters' analogue prototypes (centre frequency, gain, Q) that reproduce the standard's 48 kHz table.
    private static double[] highShelf(int fs) {
        double f0 = 1681.974450955533;
        double gainDb = 3.999843853973347;
        double q = 0.7071752369554196;
        double k = Math.tan(Math.PI * f0 / fs);
        double vh = Math.pow(10, gainDb / 20);
        double vb = Math.pow(vh, 0.4996667741545416);
        double a0 = 1 + k / q + k * k;
        return new double[]{(vh + vb * k / q + k * k) / a0, 2 * (k * k - vh) / a0, (vh - vb * k / q + k * k) / a0,
                2 * (k * k - 1) / a0, (1 - k / q + k * k) / a0};
    }

    private static double[] highPass(int fs) {
        double f0 = 38.13547087602444;
        double q = 0.5003270373238773;
        double k = Math.tan(Math.PI * f0 / fs);
        double a0 = 1 + k / q + k * k;
        return new double[]{1, -2, 1, 2 * (k * k - 1) / a0, (1 - k / q + k * k) / a0};
    }

    /** In place; {b0, b1, b2, a1, a2} with a0 = 1, direct form I. */
    private static void biquad(double[] x, double[] c) {
        double x1 = 0, x2 = 0, y1 = 0, y2 = 0;
        for (int i = 0; i < x.length; i++) {
            double in = x[i];
            double out = c[0] * in + c[1] * x1 + c[2] * x2 - c[3] * y1 - c[4] * y2;
            x2 = x1;
            x1 = in;
            y2 = y1;
            y1 = out;
            x[i] = out;
        }
    }

    /** Channel-summed mean square of every full block of {@code size} frames, one every {@code step}. */
    static double[] blockPowers(double[][] weighted, int size, int step) {
        int frames = weighted.length == 0 ? 0 : weighted[0].length;
        if (frames < size) {
            return new double[0];
        }
        // Running sums over steps keep this linear in the length.
        int steps = frames / step;
        double[] stepPower = new double[steps];
        for (double[] ch : weighted) {
            for (int s = 0; s < steps; s++) {
                double sum = 0;
                for (int i = s * step, end = i + step; i < end; i++) {
                    sum += ch[i] * ch[i];
                }
                stepPower[s] += sum;
            }
        }
        int perBlock = size / step;
        double[] blocks = new double[steps - perBlock + 1];
        for (int b = 0; b < blocks.length; b++) {
            double sum = 0;
            for (int s = b; s < b + perBlock; s++) {
                sum += stepPower[s];
            }
            blocks[b] = sum / size;
        }
        return blocks;
    }

    static double lufs(double power) {
        return -0.691 + 10 * Math.log10(power);
    }

    private static double gatedLoudness(double[] blocks, double relativeGate) {
        double[] gated = Arrays.stream(blocks).filter(p -> lufs(p) > ABSOLUTE_GATE).toArray();
        if (gated.length == 0) {
            return Double.NEGATIVE_INFINITY;
        }
        double threshold = lufs(Arrays.stream(gated).average().orElseThrow()) + relativeGate;
        double[] kept = Arrays.stream(gated).filter(p -> lufs(p) > threshold).toArray();
        return kept.length == 0 ? Double.NEGATIVE_INFINITY : lufs(Arrays.stream(kept).average().orElseThrow());
    }

    private static double range(double[] shortTerm) {
        double[] gated = Arrays.stream(shortTerm).filter(p -> lufs(p) > ABSOLUTE_GATE).toArray();
        if (gated.length == 0) {
            return 0;
        }
        double threshold = lufs(Arrays.stream(gated).average().orElseThrow()) + RANGE_RELATIVE_GATE;
        double[] levels = Arrays.stream(gated).map(LoudnessMeter::lufs).filter(l -> l > threshold).sorted().toArray();
        if (levels.length == 0) {
            return 0;
        }
        return percentile(levels, 0.95) - percentile(levels, 0.10);
    }

    /** Nearest rank, as EBU meters report it. */
    private static double percentile(double[] sorted, double p) {
        return sorted[(int) ((sorted.length - 1) * p + 0.5)];
    }
}
