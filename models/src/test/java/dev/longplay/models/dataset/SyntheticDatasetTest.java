package dev.longplay.models.dataset;

import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SyntheticDatasetTest {

    private static final int RATE = 16000;
    private final SoundSynth synth = new SoundSynth(RATE);

    @Test
    void sameSeedAndIndexGiveTheSameExampleAndAudio() {
        SoundSpec a = new SyntheticDataset(7).example(SyntheticDataset.Split.TRAIN, 42);
        SoundSpec b = new SyntheticDataset(7).example(SyntheticDataset.Split.TRAIN, 42);
        assertEquals(a, b);
        assertArrayEquals(synth.render(a, RATE)[0], synth.render(b, RATE)[0]);
        assertNotEquals(a, new SyntheticDataset(7).example(SyntheticDataset.Split.TRAIN, 43));
        assertNotEquals(a, new SyntheticDataset(8).example(SyntheticDataset.Split.TRAIN, 42));
    }

    @Test
    void heldOutCombinationsNeverAppearInTrainingOrValidation() {
        SyntheticDataset ds = new SyntheticDataset(3);
        Set<String> held = new HashSet<>(ds.heldOutCombinations());
        assertEquals(SoundKind.values().length, held.size(), "one held-out combination per kind");
        Set<String> trainSeen = new HashSet<>();
        for (int i = 0; i < 3000; i++) {
            String c = ds.example(SyntheticDataset.Split.TRAIN, i).combination();
            assertFalse(held.contains(c), c);
            trainSeen.add(c);
            assertFalse(held.contains(ds.example(SyntheticDataset.Split.VALIDATION, i).combination()));
            assertTrue(held.contains(ds.example(SyntheticDataset.Split.HELD_OUT, i).combination()));
        }
        assertEquals(new HashSet<>(ds.trainingCombinations()), trainSeen, "training covers every seen combination");
    }

    @Test
    void promptsNameKeyTempoToneAndPlacement() {
        SoundSpec bass = new SoundSpec(SoundKind.BASS, 120, 9, true, Brightness.DARK, Placement.LEFT, 1);
        assertEquals("bass line, A minor, 120 BPM, dark, panned left", bass.prompt());
        SoundSpec riser = new SoundSpec(SoundKind.RISER, 120, 9, true, Brightness.BRIGHT, Placement.CENTER, 1);
        assertEquals("riser, bright, centered", riser.prompt());
    }

    @Test
    void placementIsAudibleAsChannelBalance() {
        for (Placement p : Placement.values()) {
            float[][] audio = synth.render(new SoundSpec(SoundKind.PAD, 120, 0, false, Brightness.BRIGHT, p, 5), RATE);
            double l = energy(audio[0]);
            double r = energy(audio[1]);
            switch (p) {
                case LEFT -> assertTrue(l > 10 * r, p + ": " + l + " vs " + r);
                case RIGHT -> assertTrue(r > 10 * l, p + ": " + l + " vs " + r);
                case CENTER -> assertEquals(1.0, l / r, 1e-6);
            }
        }
    }

    @Test
    void brightSoundsCrossZeroMoreOftenThanDarkOnes() {
        for (SoundKind kind : SoundKind.values()) {
            float[] dark = synth.render(new SoundSpec(kind, 120, 2, false, Brightness.DARK, Placement.CENTER, 9), RATE)[0];
            float[] bright = synth.render(new SoundSpec(kind, 120, 2, false, Brightness.BRIGHT, Placement.CENTER, 9), RATE)[0];
            assertTrue(highBandShare(bright) > 2 * highBandShare(dark), kind.toString());
        }
    }

    @Test
    void drumLoopKicksLandOnTheBeat() {
        float[] x = synth.render(new SoundSpec(SoundKind.DRUM_LOOP, 100, 0, false, Brightness.DARK, Placement.CENTER, 4),
                2 * RATE)[0];
        int beat = (int) Math.round(60.0 * RATE / 100);
        // the first 20 ms after each beat are far louder than the 20 ms just before it
        for (int b = 1; b * beat + 320 < x.length; b++) {
            assertTrue(energy(x, b * beat, 320) > 4 * energy(x, b * beat - 320, 320), "beat " + b);
        }
    }

    @Test
    void plucksHaveNoRumbleBelowThirtyHertz() {
        // a Karplus-Strong burst with a random mean became a DC step that outlasted the note: 17 to 79 % of the
        // synthesiser's pluck energy lay below 30 Hz before the burst was made zero-mean
        int rate = 8000;
        SoundSynth low = new SoundSynth(rate);
        for (int key = 0; key < 12; key++) {
            for (Brightness b : Brightness.values()) {
                for (int tempo : new int[] {80, 150}) {
                    SoundSpec spec = new SoundSpec(SoundKind.PLUCK, tempo, key, key % 2 == 0, b, Placement.CENTER, key);
                    float[] x = low.render(spec, 2 * rate)[0];
                    double share = energyBelow(x, rate, 30) / energy(x);
                    assertTrue(share < 0.01, spec.prompt() + ": " + share + " of the energy below 30 Hz");
                }
            }
        }
    }

    // Parseval over a plain DFT of the bins up to hz (the DC bin once, the others twice for their mirror)
    private static double energyBelow(float[] x, int rate, double hz) {
        int n = x.length;
        double e = 0;
        for (int k = 0; k <= hz * n / rate; k++) {
            double re = 0;
            double im = 0;
            for (int i = 0; i < n; i++) {
                double w = 2 * Math.PI * k * i / n;
                re += x[i] * Math.cos(w);
                im -= x[i] * Math.sin(w);
            }
            e += (k == 0 ? 1 : 2) * (re * re + im * im) / n;
        }
        return e;
    }

    private static double energy(float[] x) {
        return energy(x, 0, x.length);
    }

    private static double energy(float[] x, int from, int len) {
        double e = 0;
        for (int i = from; i < from + len; i++) {
            e += (double) x[i] * x[i];
        }
        return e;
    }

    /** The share of energy in the first difference: a crude measure of how much is high-frequency. */
    private static double highBandShare(float[] x) {
        double d = 0;
        for (int i = 1; i < x.length; i++) {
            d += (double) (x[i] - x[i - 1]) * (x[i] - x[i - 1]);
        }
        return d / Math.max(1e-12, energy(x));
    }
}
