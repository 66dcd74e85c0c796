package dev.longplay.models.conditioning;

import dev.longplay.models.dataset.PromptWording;
import dev.longplay.models.dataset.SyntheticDataset;
import dev.longplay.models.dataset.SoundSpec;
import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The tempo a prompt names, in every way the training wordings and musicians write it, and none where it names none. */
class PromptTempoTest {

    @Test
    void everyWayOfWritingATempoGivesItsValue() {
        assertEquals(97, PromptTempo.of("drum loop at 97 bpm"), 0);
        assertEquals(97, PromptTempo.of("drum loop, 97 BPM, dark, centered"), 0);
        assertEquals(97, PromptTempo.of("97bpm drum loop"), 0);
        assertEquals(97, PromptTempo.of("Drum loop, tempo 97, bright"), 0);
        assertEquals(174, PromptTempo.of("dusty breakbeat, 174 beats per minute"), 0);
        assertEquals(128.5, PromptTempo.of("tech house 128.5 BPM"), 0);
        assertEquals(120, PromptTempo.of("BPM: 120, drums"), 0);
        assertEquals(140, PromptTempo.of("140-bpm trap hats"), 0);
    }

    @Test
    void aPromptWithoutATempoGivesNone() {
        assertEquals(PromptTempo.NONE, PromptTempo.of("pad chords, A minor, dark, panned left"), 0);
        assertEquals(PromptTempo.NONE, PromptTempo.of("TB-303 acid line"), 0, "a synth's number is no tempo");
        assertEquals(PromptTempo.NONE, PromptTempo.of("4 bars of 16th hats"), 0);
        assertEquals(PromptTempo.NONE, PromptTempo.of(""), 0);
        assertEquals(PromptTempo.NONE, PromptTempo.of(null), 0);
        assertEquals(PromptTempo.NONE, PromptTempo.of("999 bpm"), 0, "out of any musical range");
    }

    @Test
    void theFirstTempoNamedWins() {
        assertEquals(90, PromptTempo.of("90 bpm loop, not 120 bpm"), 0);
        assertEquals(100, PromptTempo.of("tempo 100 drums at 120 bpm"), 0);
    }

    @Test
    void everyTrainingPromptOfARhythmicSoundGivesItsTempoAndNoOtherGivesOne() {
        SyntheticDataset ds = new SyntheticDataset(20261125);
        SplittableRandom rng = new SplittableRandom(3);
        for (int i = 0; i < 2000; i++) {
            SoundSpec spec = ds.example(SyntheticDataset.Split.TRAIN, i);
            for (String prompt : new String[] {spec.prompt(), PromptWording.trained(spec, rng),
                    PromptWording.heldOut(spec, rng)}) {
                double expected = spec.kind().rhythmic() ? spec.tempo() : PromptTempo.NONE;
                assertEquals(expected, PromptTempo.of(prompt), 0, prompt);
            }
        }
    }
}
