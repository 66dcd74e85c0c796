package dev.longplay.models.dataset;

import java.util.SplittableRandom;

/**
 * Renders a {@link SoundSpec} to stereo audio with plain DSP (oscillators, noise, one-pole filters,
 * Karplus-Strong), deterministically from the spec's seed. Every sound is made mono, lowpassed to the
 * spec's brightness, placed with an equal-power pan and peak-normalised to 0.8 — so the label's tempo,
 * key, tone colour and placement are all measurable in the output.
 */
public final class SoundSynth {

    private static final double PEAK = 0.8;

    private final int sampleRate;

    public SoundSynth(int sampleRate) {
        if (sampleRate < 8000) {
            throw new IllegalArgumentException("sample rate " + sampleRate + " is too low for the synthetic set");
        }
        this.sampleRate = sampleRate;
    }

    public int sampleRate() {
        return sampleRate;
    }

    /** [2][samples]: left and right. */
    public float[][] render(SoundSpec spec, int samples) {
        SplittableRandom rng = new SplittableRandom(spec.seed());
        double[] mono = new double[samples];
        switch (spec.kind()) {
            case DRUM_LOOP -> drums(mono, spec.tempo(), rng);
            case BASS -> bass(mono, spec, rng);
            case PAD -> pad(mono, spec, rng);
            case PLUCK -> pluck(mono, spec, rng);
            case RISER -> riser(mono, rng);
            case NOISE_SWEEP -> noiseSweep(mono, rng);
            case ONE_SHOT -> oneShot(mono, rng);
        }
        lowpass(mono, spec.brightness().cutoffHz());
        lowpass(mono, spec.brightness().cutoffHz());
        return place(normalise(mono), spec.placement().pan());
    }

    private void drums(double[] out, int bpm, SplittableRandom rng) {
        double sixteenth = 60.0 * sampleRate / bpm / 4;
        // patterns over 16 steps: kick, snare, hat; the kick always marks the beat so tempo is audible
        long kicks = rng.nextBoolean() ? 0x1111L : 0x1191L;
        long snares = 0x0808L;
        long hats = rng.nextBoolean() ? 0x5555L : 0xFFFFL;
        for (int step = 0; ; step++) {
            int at = (int) Math.round(step * sixteenth);
            if (at >= out.length) {
                break;
            }
            int bit = step % 16;
            if ((kicks >> bit & 1) != 0) {
                kick(out, at);
            }
            if ((snares >> bit & 1) != 0) {
                snare(out, at, rng);
            }
            if ((hats >> bit & 1) != 0) {
                hat(out, at, rng);
            }
        }
    }

    private void kick(double[] out, int at) {
        double phase = 0;
        int len = Math.min(out.length - at, sampleRate / 4);
        for (int i = 0; i < len; i++) {
            double t = (double) i / sampleRate;
            phase += 2 * Math.PI * (50 + 100 * Math.exp(-t * 30)) / sampleRate;
            out[at + i] += Math.sin(phase) * Math.exp(-t * 12);
        }
    }

    private void snare(double[] out, int at, SplittableRandom rng) {
        int len = Math.min(out.length - at, sampleRate / 6);
        for (int i = 0; i < len; i++) {
            double t = (double) i / sampleRate;
            out[at + i] += 0.5 * (rng.nextDouble() * 2 - 1) * Math.exp(-t * 25)
                    + 0.3 * Math.sin(2 * Math.PI * 190 * t) * Math.exp(-t * 20);
        }
    }

    private void hat(double[] out, int at, SplittableRandom rng) {
        int len = Math.min(out.length - at, sampleRate / 20);
        double prev = 0;
        for (int i = 0; i < len; i++) {
            double n = rng.nextDouble() * 2 - 1;
            out[at + i] += 0.25 * (n - prev) * Math.exp(-i * 60.0 / sampleRate); // first difference: a crude highpass
            prev = n;
        }
    }

    private void bass(double[] out, SoundSpec spec, SplittableRandom rng) {
        int[] degrees = {0, 0, 7, 12, 0, scaleThird(spec), 7, 0};
        double eighth = 60.0 * sampleRate / spec.tempo() / 2;
        int notes = (int) Math.ceil(out.length / eighth);
        for (int k = 0; k < notes; k++) {
            int degree = degrees[(k + (rng.nextInt(4) == 0 ? 1 : 0)) % degrees.length];
            double hz = midiHz(36 + spec.keyPitchClass() + degree);
            int start = (int) Math.round(k * eighth);
            int len = (int) Math.min(out.length - start, Math.round(eighth * 0.9));
            double phase = 0;
            for (int i = 0; i < len; i++) {
                phase = (phase + hz / sampleRate) % 1.0;
                double env = Math.min(1, i / (0.005 * sampleRate)) * Math.exp(-3.0 * i / sampleRate);
                out[start + i] += (2 * phase - 1) * env;
            }
        }
    }

    private void pad(double[] out, SoundSpec spec, SplittableRandom rng) {
        int root = 48 + spec.keyPitchClass();
        int[] chord = {root, root + scaleThird(spec), root + 7, root + 12};
        double[] phases = new double[chord.length * 2];
        for (int i = 0; i < phases.length; i++) {
            phases[i] = rng.nextDouble();
        }
        for (int i = 0; i < out.length; i++) {
            double env = Math.min(1, i / (0.3 * sampleRate)) * Math.min(1, (out.length - i) / (0.1 * sampleRate));
            double s = 0;
            for (int v = 0; v < phases.length; v++) {
                double hz = midiHz(chord[v / 2]) * (v % 2 == 0 ? 1.003 : 0.997); // two detuned saws per note
                phases[v] = (phases[v] + hz / sampleRate) % 1.0;
                s += 2 * phases[v] - 1;
            }
            out[i] += s * env;
        }
    }

    private void pluck(double[] out, SoundSpec spec, SplittableRandom rng) {
        int[] scale = spec.minor() ? new int[] {0, 2, 3, 5, 7, 8, 10} : new int[] {0, 2, 4, 5, 7, 9, 11};
        double eighth = 60.0 * sampleRate / spec.tempo() / 2;
        int notes = (int) Math.ceil(out.length / eighth);
        for (int k = 0; k < notes; k++) {
            // the tonic on every beat, other scale notes between: the key stays unambiguous
            int degree = k % 2 == 0 ? 0 : scale[1 + rng.nextInt(scale.length - 1)];
            double hz = midiHz(60 + spec.keyPitchClass() + degree);
            int start = (int) Math.round(k * eighth);
            karplusStrong(out, start, Math.min(out.length - start, sampleRate / 2), sampleRate / hz, rng);
        }
    }

    /**
     * A plucked string (Karplus-Strong) of {@code period} samples, tuned exactly (Jaffe and Smith): the loop is a
     * whole-sample delay, the two-point average (half a sample) and a first-order allpass for the fraction left.
     * Rounded to whole samples, a note is off by up to half a sample, which at 8 kHz is most of a semitone for the
     * upper notes of the octave above middle C.
     * <p>
     * The burst is made zero-mean: the loop passes DC almost unchanged, so a burst's random mean became a step that
     * outlasted the note, and with it most of a pluck's energy lay below 30 Hz. The note's last 10 ms fade out, so
     * cutting it off does not click.
     */
    private void karplusStrong(double[] out, int start, int len, double period, SplittableRandom rng) {
        int whole = Math.max(1, (int) Math.floor(period - 0.6));
        double fraction = period - 0.5 - whole; // in [0.1, 1.1): the allpass stays well inside its range
        double c = (1 - fraction) / (1 + fraction);
        double[] line = new double[whole];
        double mean = 0;
        for (int i = 0; i < whole; i++) {
            line[i] = rng.nextDouble() * 2 - 1;
            mean += line[i] / whole;
        }
        for (int i = 0; i < whole; i++) {
            line[i] -= mean;
        }
        int release = Math.max(1, sampleRate / 100);
        double lastOut = 0, lastAvg = 0, lastAllpass = 0;
        for (int i = 0; i < len; i++) {
            int p = i % whole;
            double y = line[p];
            out[start + i] += y * Math.min(1, (double) (len - i) / release);
            double avg = 0.498 * (y + lastOut);
            double allpass = c * avg + lastAvg - c * lastAllpass;
            lastOut = y;
            lastAvg = avg;
            lastAllpass = allpass;
            line[p] = allpass;
        }
    }

    private void riser(double[] out, SplittableRandom rng) {
        double phase = 0;
        double startHz = 100 + rng.nextInt(100);
        for (int i = 0; i < out.length; i++) {
            double frac = (double) i / out.length;
            phase += 2 * Math.PI * startHz * Math.pow(8, frac) / sampleRate;
            out[i] += frac * (Math.sin(phase) + 0.3 * (rng.nextDouble() * 2 - 1));
        }
    }

    private void noiseSweep(double[] out, SplittableRandom rng) {
        boolean up = rng.nextBoolean();
        double y = 0;
        for (int i = 0; i < out.length; i++) {
            double frac = (double) i / out.length;
            double hz = 200 * Math.pow(40, up ? frac : 1 - frac);
            double a = 1 - Math.exp(-2 * Math.PI * hz / sampleRate);
            y += a * ((rng.nextDouble() * 2 - 1) - y);
            out[i] += y;
        }
    }

    private void oneShot(double[] out, SplittableRandom rng) {
        switch (rng.nextInt(3)) {
            case 0 -> kick(out, 0);
            case 1 -> snare(out, 0, rng);
            default -> {
                double hz = midiHz(48 + rng.nextInt(24));
                int len = Math.min(out.length, sampleRate);
                for (int i = 0; i < len; i++) {
                    double t = (double) i / sampleRate;
                    out[i] += Math.sin(2 * Math.PI * hz * t) * Math.exp(-t * 6);
                }
            }
        }
    }

    private static int scaleThird(SoundSpec spec) {
        return spec.minor() ? 3 : 4;
    }

    static double midiHz(int note) {
        return 440 * Math.pow(2, (note - 69) / 12.0);
    }

    private void lowpass(double[] x, double cutoffHz) {
        double a = 1 - Math.exp(-2 * Math.PI * Math.min(cutoffHz, 0.45 * sampleRate) / sampleRate);
        double y = 0;
        for (int i = 0; i < x.length; i++) {
            y += a * (x[i] - y);
            x[i] = y;
        }
    }

    private static double[] normalise(double[] x) {
        double peak = 0;
        for (double v : x) {
            peak = Math.max(peak, Math.abs(v));
        }
        if (peak > 0) {
            for (int i = 0; i < x.length; i++) {
                x[i] *= PEAK / peak;
            }
        }
        return x;
    }

    private static float[][] place(double[] mono, double pan) {
        double angle = (pan + 1) * Math.PI / 4; // equal-power: left cos, right sin
        double l = Math.cos(angle);
        double r = Math.sin(angle);
        float[][] out = new float[2][mono.length];
        for (int i = 0; i < mono.length; i++) {
            out[0][i] = (float) (mono[i] * l);
            out[1][i] = (float) (mono[i] * r);
        }
        return out;
    }
}
