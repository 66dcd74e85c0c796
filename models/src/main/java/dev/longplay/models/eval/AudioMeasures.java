package dev.longplay.models.eval;

/**
 * What the eval reads off a clip to check it against its prompt: tempo of a loop, the pitch class that
 * dominates a tonal sound, brightness (spectral centroid) and stereo placement.
 */
public final class AudioMeasures {

    private AudioMeasures() {
    }

    /** A pulse counts for the grid when its onset beats this share of the clip's strongest onset. */
    private static final double BEAT_ONSET_SHARE = 0.35;
    /** The low band's edge: kick drums, which carry the beat in most loops. */
    private static final double LOW_BAND_HZ = 200;

    /**
     * Tempo in BPM within [minBpm, maxBpm], read as the beat grid (period and phase) that the strong onsets
     * fall on. Each pulse of a grid scores its onset strength less {@value #BEAT_ONSET_SHARE} of the clip's
     * strongest onset, so a grid gains from pulses that land on hits and loses from those that land on
     * nothing or on weak off-beat hi-hats. That settles the octave: half the tempo misses half the hits,
     * double the tempo pays for the empty or weak pulses between beats.
     * <p>
     * The onset envelope is the positive change of 10 ms log energy, full band plus the band below
     * {@value #LOW_BAND_HZ} Hz, where the kick drum weighs more than bright hats (as in multi-band beat
     * trackers). A grid, not an autocorrelation: on a 2 s clip an autocorrelation normalised by its overlap
     * favours long lags and read 140 BPM loops as 70, and an unnormalised one read the snare's offset as a
     * tempo.
     */
    public static double tempo(float[] mono, int sampleRate, double minBpm, double maxBpm) {
        int hop = sampleRate / 100;
        double[] full = onsetEnvelope(mono, hop);
        double[] low = onsetEnvelope(lowpass(mono, sampleRate, LOW_BAND_HZ), hop);
        double[] onset = new double[full.length];
        double strongest = 0;
        for (int f = 0; f < onset.length; f++) {
            onset[f] = full[f] + low[f];
            strongest = Math.max(strongest, onset[f]);
        }
        double threshold = BEAT_ONSET_SHARE * strongest;
        double bestBpm = Double.NaN;
        double best = Double.NEGATIVE_INFINITY;
        for (double bpm = minBpm; bpm <= maxBpm; bpm += 0.25) {
            double period = 60.0 * 100 / bpm;
            for (double phase = 0; phase < period; phase += 0.5) {
                double score = 0;
                for (double at = phase; at < onset.length - 1; at += period) {
                    score += pulse(onset, at) - threshold;
                }
                if (score > best) {
                    best = score;
                    bestBpm = bpm;
                }
            }
        }
        return bestBpm;
    }

    /**
     * The onset a pulse at fractional frame {@code at} lands on: the stronger of the two frames beside it,
     * weighed down with its distance (half at one frame) so that among grids that catch the same hits the one
     * through their middle wins, which keeps the tempo within a fraction of a BPM.
     */
    private static double pulse(double[] onset, double at) {
        int before = (int) at;
        double d = at - before;
        return Math.max(onset[before] * (1 - d / 2), onset[before + 1] * (1 - (1 - d) / 2));
    }

    private static double[] onsetEnvelope(float[] mono, int hop) {
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
        return onset;
    }

    /** Two passes of a one-pole lowpass: 12 dB per octave above {@code hz}. */
    private static float[] lowpass(float[] x, int sampleRate, double hz) {
        float[] y = x.clone();
        double a = 1 - Math.exp(-2 * Math.PI * hz / sampleRate);
        for (int pass = 0; pass < 2; pass++) {
            double state = 0;
            for (int i = 0; i < y.length; i++) {
                state += a * (y[i] - state);
                y[i] = (float) state;
            }
        }
        return y;
    }

    /**
     * The pitch class (0 = C) of the lowest strong note between 50 Hz and 2 kHz: the spectrum's power gathered
     * into semitone bands, and the lowest band that is a local maximum with at least a ninth of the strongest
     * band's power (a third in amplitude). That is the root for the tonal sounds of the synthetic set, whose
     * notes all lie at or above their key's tonic, unlike the strongest pitch class, which harmonics pull towards
     * the fifth. Bands, not single FFT bins: a repeated note's spectrum is combed at its repetition rate, and at
     * one-hertz resolution a tooth of that comb below a bass note's fundamental read as the semitone under it.
     */
    public static int rootPitchClass(float[] mono, int sampleRate) {
        int n = Spectrum.powerOfTwoAtMost(Math.min(mono.length, 8192));
        double[] mag = Spectrum.average(mono, n);
        double[] band = new double[128];
        double lowest = 50 * Math.pow(2, -1 / 24.0);  // the whole band of the note nearest 50 Hz
        for (int k = 1; k < mag.length; k++) {
            double hz = (double) k * sampleRate / n;
            if (hz >= lowest && hz <= 2000) {
                band[(int) Math.round(69 + 12 * Math.log(hz / 440) / Math.log(2))] += mag[k] * mag[k];
            }
        }
        double max = 0;
        for (double b : band) {
            max = Math.max(max, b);
        }
        for (int note = 1; note < band.length - 1; note++) {
            if (max > 0 && band[note] >= max / 9 && band[note] >= band[note - 1] && band[note] >= band[note + 1]) {
                return note % 12;
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
