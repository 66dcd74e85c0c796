package dev.longplay.models.eval;

import dev.longplay.models.dataset.Brightness;
import dev.longplay.models.dataset.Placement;
import dev.longplay.models.dataset.SoundKind;
import dev.longplay.models.dataset.SoundSpec;
import dev.longplay.models.dataset.SoundSynth;
import dev.longplay.models.dataset.SyntheticDataset;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The measures on audio whose answers are known: synthesised to a given tempo, key, tone and placement. */
class AudioMeasuresTest {

    private static final int RATE = 16000;
    private final SoundSynth synth = new SoundSynth(RATE);

    private float[][] render(SoundKind kind, int tempo, int key, Brightness b, Placement p, long seed, double seconds) {
        return synth.render(new SoundSpec(kind, tempo, key, false, b, p, seed), (int) (seconds * RATE));
    }

    @Test
    void tempoOfDrumLoopsIsWithinTwoBpm() {
        for (int bpm : new int[] {80, 100, 120, 140}) {
            float[] x = AudioMeasures.mono(render(SoundKind.DRUM_LOOP, bpm, 0, Brightness.BRIGHT, Placement.CENTER, bpm, 4));
            assertEquals(bpm, AudioMeasures.tempo(x, RATE, 70, 160), 2.0, "drum loop at " + bpm);
        }
    }

    @Test
    void tempoOfTheEvalsTwoSecondLoopsAtEightKilohertzIsWithinTwoBpm() {
        // the eval's setting: a few beats per clip, where autocorrelation read 140 and 150 BPM at half tempo;
        // dark loops are mostly kick and snare, bright ones add hats on the off-beats that invite double tempo
        SoundSynth synth8k = new SoundSynth(8000);
        for (int bpm : SyntheticDataset.TEMPOS) {
            for (Brightness b : Brightness.values()) {
                for (long seed = 1; seed <= 3; seed++) {
                    SoundSpec spec = new SoundSpec(SoundKind.DRUM_LOOP, bpm, 0, false, b, Placement.LEFT, seed * 7 + bpm);
                    float[] x = AudioMeasures.mono(synth8k.render(spec, 16384));
                    assertEquals(bpm, AudioMeasures.tempo(x, 8000, 70, 160), 2.0, b + " loop at " + bpm + ", seed " + seed);
                }
            }
        }
    }

    @Test
    void tempoDoesNotNeedTheLoopToStartOnTheBeat() {
        SoundSynth synth8k = new SoundSynth(8000);
        for (int bpm : new int[] {90, 128, 150}) {
            float[] x = AudioMeasures.mono(synth8k.render(
                    new SoundSpec(SoundKind.DRUM_LOOP, bpm, 0, false, Brightness.BRIGHT, Placement.CENTER, 5), 16384 + 1234));
            float[] late = Arrays.copyOfRange(x, 1234, x.length);
            assertEquals(bpm, AudioMeasures.tempo(late, 8000, 70, 160), 2.0, "loop at " + bpm + " entered 154 ms late");
        }
    }

    @Test
    void pitchClassOfTonalSoundsIsTheirKeyInEveryKeyAtBothRates() {
        // every key: at 8 kHz a Karplus-Strong pluck rounded to whole-sample periods was up to a semitone sharp
        // in the upper keys, and single FFT bins read repeated bass notes a semitone low
        for (int rate : new int[] {8000, RATE}) {
            SoundSynth s = new SoundSynth(rate);
            for (SoundKind kind : new SoundKind[] {SoundKind.BASS, SoundKind.PAD, SoundKind.PLUCK}) {
                for (int key = 0; key < 12; key++) {
                    for (Brightness b : Brightness.values()) {
                        float[][] x = s.render(new SoundSpec(kind, 100 + 7 * key, key, key % 2 == 0, b, Placement.CENTER,
                                key + 1), 2 * rate);
                        assertEquals(key, AudioMeasures.rootPitchClass(AudioMeasures.mono(x), rate),
                                kind + " in " + SoundSpec.noteName(key) + ", " + b + ", " + rate + " Hz");
                    }
                }
            }
        }
    }

    @Test
    void brightIsAboveDarkAndPlacementHasItsSign() {
        float[][] dark = render(SoundKind.PAD, 120, 2, Brightness.DARK, Placement.LEFT, 3, 1);
        float[][] bright = render(SoundKind.PAD, 120, 2, Brightness.BRIGHT, Placement.RIGHT, 3, 1);
        assertTrue(AudioMeasures.centroidHz(AudioMeasures.mono(bright), RATE)
                > 2 * AudioMeasures.centroidHz(AudioMeasures.mono(dark), RATE));
        assertTrue(AudioMeasures.balance(dark[0], dark[1]) < -0.5);
        assertTrue(AudioMeasures.balance(bright[0], bright[1]) > 0.5);
        float[][] centre = render(SoundKind.PAD, 120, 2, Brightness.DARK, Placement.CENTER, 3, 1);
        assertEquals(0, AudioMeasures.balance(centre[0], centre[1]), 1e-6);
    }

    @Test
    void frechetDistanceIsSmallBetweenLikeSetsAndLargeToNoise() {
        List<float[]> setA = new ArrayList<>();
        List<float[]> setB = new ArrayList<>();
        List<float[]> noise = new ArrayList<>();
        SplittableRandom rng = new SplittableRandom(5);
        for (int i = 0; i < 24; i++) {
            SoundKind kind = SoundKind.values()[i % SoundKind.values().length];
            setA.add(AudioMeasures.mono(render(kind, 120, i % 12, Brightness.values()[i % 2], Placement.CENTER, i, 1)));
            setB.add(AudioMeasures.mono(render(kind, 120, (i + 5) % 12, Brightness.values()[i % 2], Placement.CENTER, 100 + i, 1)));
            float[] n = new float[RATE];
            for (int j = 0; j < n.length; j++) {
                n[j] = (float) (rng.nextDouble() - 0.5);
            }
            noise.add(n);
        }
        double like = FrechetDistance.between(setA, setB, RATE);
        double unlike = FrechetDistance.between(setA, noise, RATE);
        assertEquals(0, FrechetDistance.between(setA, setA, RATE), 1e-3, "a set against itself");
        assertTrue(like > 0 && like * 5 < unlike, like + " vs " + unlike);
    }
}
