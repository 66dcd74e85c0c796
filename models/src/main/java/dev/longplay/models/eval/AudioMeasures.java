package dev.longplay.models.eval;

/**
 * What the eval reads off a clip to check it against its prompt: tempo of a loop, the pitch class that
 * dominates a tonal sound, brightness (spectral centroid) and stereo placement.
 */
public final class AudioMeasures {

    private AudioMeasures() {
    }

    /**
     * Tempo in BPM within [minBpm, maxBpm]: the lag with the strongest autocorrelation of the onset envelope
     * (positive change of 10 ms frame energy), with the octave errors resolved towards the middle of the range.
     */
    public static double tempo(float[] mono, int sampleRate, double minBpm, double maxBpm) {
        int hop = sampleRate / 100;
        int frames = mono.length / hop;
        double[] onset = new double[frames];
        double prev = 0;
        for (int f = 0; f < frames; f++) {
            double e = 0;
            for (int i = f * hop; i < (f + 1) * hop; i++) {
                e += (double) mono[i] * mono[i];
            }
            e = Math.log1p(1000 * e);
            onset[f] = Math.max(0, e - prev);
            prev = e;
        }
        double bestBpm = Double.NaN;
        double best = Double.NEGATIVE_INFINITY;
        // a fine grid of tempi: the lag in frames is fractional, read by linear interpolation
        for (double bpm = minBpm; bpm <= maxBpm; bpm += 0.25) {
            double lag = 60.0 * 100 / bpm;
            double score = 0;
            for (int multiple = 1; multiple <= 2; multiple++) {
                score += autocorrelation(onset, lag * multiple) / multiple;
            }
            if (score > best) {
                best = score;
                bestBpm = bpm;
            }
        }
        return bestBpm;
    }

    private static double autocorrelation(double[] x, double lag) {
        int whole = (int) Math.floor(lag);
        double frac = lag - whole;
        double s = 0;
        for (int i = 0; i + whole + 1 < x.length; i++) {
            s += x[i] * ((1 - frac) * x[i + whole] + frac * x[i + whole + 1]);
        }
        return s / Math.max(1, x.length - whole);
    }

    /**
     * The pitch class (0 = C) of the lowest strong spectral peak between 50 Hz and 2 kHz (at least a third of
     * the strongest): the root, for the tonal sounds of the synthetic set, whose notes all lie at or above their
     * key's tonic — unlike the strongest pitch class, which harmonics pull towards the fifth.
     */
    public static int rootPitchClass(float[] mono, int sampleRate) {
        int n = Spectrum.powerOfTwoAtMost(Math.min(mono.length, 8192));
        double[] mag = Spectrum.average(mono, n);
        int lo = (int) Math.ceil(50.0 * n / sampleRate);
        int hi = Math.min(mag.length - 2, (int) Math.floor(2000.0 * n / sampleRate));
        double max = 0;
        for (int k = lo; k <= hi; k++) {
            max = Math.max(max, mag[k]);
        }
        for (int k = Math.max(1, lo); k <= hi; k++) {
            if (mag[k] >= max / 3 && mag[k] >= mag[k - 1] && mag[k] >= mag[k + 1]) {
                double hz = (double) k * sampleRate / n;
                return Math.floorMod((int) Math.round(69 + 12 * Math.log(hz / 440) / Math.log(2)), 12);
            }
        }
        return -1;
    }

    /** Spectral centroid in Hz: higher is brighter. */
    public static double centroidHz(float[] mono, int sampleRate) {
        int n = Spectrum.powerOfTwoAtMost(Math.min(mono.length, 2048));
        double[] mag = Spectrum.average(mono, n);
        double num = 0;
        double den = 1e-12;
        for (int k = 0; k < mag.length; k++) {
            num += mag[k] * k * sampleRate / n;
            den += mag[k];
        }
        return num / den;
    }

    /** (R − L) / (R + L) of the channels' energies: −1 hard left, 0 centre, 1 hard right. */
    public static double balance(float[] left, float[] right) {
        double l = 0;
        double r = 0;
        for (int i = 0; i < left.length; i++) {
            l += (double) left[i] * left[i];
            r += (double) right[i] * right[i];
        }
        return (r - l) / Math.max(1e-12, r + l);
    }

    public static float[] mono(float[][] planar) {
        float[] m = new float[planar[0].length];
        for (float[] ch : planar) {
            for (int i = 0; i < m.length; i++) {
                m[i] += ch[i] / planar.length;
            }
        }
        return m;
    }
}
