package dev.longplay.models.eval;

import dev.longplay.models.dataset.Brightness;
import dev.longplay.models.dataset.PromptVocabulary;
import dev.longplay.models.dataset.PromptWording;
import dev.longplay.models.dataset.SoundKind;
import dev.longplay.models.dataset.SoundSpec;
import dev.longplay.models.dataset.SyntheticDataset;
import dev.longplay.models.dataset.WordedExample;

import java.util.List;
import java.util.SplittableRandom;

/**
 * How well a model follows what musicians type that training never showed it ({@link PromptWording}'s held-out
 * sets): drum loops asked at the held-out integer tempos (73, 83, … 173, in the synthesiser's own wording), and
 * the same sounds asked once in a trained wording and once in a held-out one (held-out word order and, for tonal
 * kinds, the key's held-out spelling). A model that understands the words scores the two alike.
 * Examples come from the training label combinations ({@link SyntheticDataset.Split#VALIDATION}'s seeds), so
 * only the wording is new; the wording set takes the kinds in turn, so from 7 prompts on it has drum loops and
 * tonal sounds.
 */
public final class WordingAdherence {

    /** Tempo, root, dark-below-bright and placement shares of one set of prompts. */
    public record Shares(Share tempoWithin2Bpm, Share rootPitchClass, Share brightnessOrder, Share placement) {
    }

    /** {@code heldOutTempos}: drum loops within 2 BPM of a held-out tempo; the two wordings of the same sounds. */
    public record Report(int prompts, Share heldOutTempos, Shares trainedWording, Shares heldOutWording) {
    }

    /** The tempo search range: wider than the trained tempos, narrower than an octave either side of them. */
    static final double MIN_BPM = 60;
    static final double MAX_BPM = 200;

    private WordingAdherence() {
    }

    /** {@code prompts} of each set: held-out tempos, then sounds in a trained and a held-out wording. */
    public static Report measure(ClipSource source, int rate, long datasetSeed, int prompts, double seconds) {
        SyntheticDataset ds = new SyntheticDataset(datasetSeed);
        List<Integer> tempos = PromptWording.heldOutTempos();
        int tempoHits = 0;
        for (int i = 0; i < prompts; i++) {
            SoundSpec base = ds.example(SyntheticDataset.Split.VALIDATION, 1_000_000L + i);
            SoundSpec spec = new SoundSpec(SoundKind.DRUM_LOOP, tempos.get(i % tempos.size()), base.keyPitchClass(),
                    base.minor(), base.brightness(), base.placement(), base.seed());
            float[] mono = AudioMeasures.mono(source.clip(spec, spec.prompt(), seconds, i));
            tempoHits += onTempo(mono, rate, spec.tempo()) ? 1 : 0;
        }
        Tally trained = new Tally();
        Tally heldOut = new Tally();
        for (int i = 0; i < prompts; i++) {
            SoundSpec spec = ofKind(ds, SoundKind.values()[i % SoundKind.values().length], 2_000_000L + 1000L * i);
            SplittableRandom rng = new SplittableRandom(spec.seed() ^ 0x4E1DL);
            trained.add(source, rate, spec, PromptWording.trained(spec, rng), seconds, i);
            heldOut.add(source, rate, spec, PromptWording.heldOut(spec, rng), seconds, i);
        }
        return new Report(prompts, new Share(tempoHits, prompts), trained.shares(), heldOut.shares());
    }

    /** The first V2 validation example from {@code index} on that is of {@code kind}: the kinds take turns. */
    private static SoundSpec ofKind(SyntheticDataset ds, SoundKind kind, long index) {
        for (long j = index; ; j++) {
            WordedExample ex = ds.worded(SyntheticDataset.Split.VALIDATION, j, PromptVocabulary.V2);
            if (ex.spec().kind() == kind) {
                return ex.spec();
            }
        }
    }

    static boolean onTempo(float[] mono, int rate, int bpm) {
        return Math.abs(AudioMeasures.tempo(mono, rate, MIN_BPM, MAX_BPM) - bpm) <= 2;
    }

    /** Hits and asks of one wording; brightness is judged against the same prompt asked with the other tone. */
    private static final class Tally {
        int tempoHits, tempoAsked, rootHits, rootAsked, orderHits, placeHits, asked;

        void add(ClipSource source, int rate, SoundSpec spec, String prompt, double seconds, long seed) {
            Brightness otherTone = spec.brightness() == Brightness.DARK ? Brightness.BRIGHT : Brightness.DARK;
            SoundSpec other = new SoundSpec(spec.kind(), spec.tempo(), spec.keyPitchClass(), spec.minor(), otherTone,
                    spec.placement(), spec.seed());
            String otherPrompt = prompt.replace(spec.brightness().words(), otherTone.words());
            float[][] audio = source.clip(spec, prompt, seconds, seed);
            float[] mono = AudioMeasures.mono(audio);
            float[] flipped = AudioMeasures.mono(source.clip(other, otherPrompt, seconds, seed));
            asked++;
            if (spec.kind() == SoundKind.DRUM_LOOP) {
                tempoAsked++;
                tempoHits += onTempo(mono, rate, spec.tempo()) ? 1 : 0;
            }
            if (spec.kind().tonal()) {
                rootAsked++;
                rootHits += AudioMeasures.rootPitchClass(mono, rate) == spec.keyPitchClass() ? 1 : 0;
            }
            boolean brighter = AudioMeasures.centroidHz(mono, rate) > AudioMeasures.centroidHz(flipped, rate);
            orderHits += (spec.brightness() == Brightness.BRIGHT) == brighter ? 1 : 0;
            placeHits += PromptAdherence.placementMatches(spec.placement(),
                    AudioMeasures.balance(audio[0], audio[audio.length - 1])) ? 1 : 0;
        }

        Shares shares() {
            return new Shares(new Share(tempoHits, tempoAsked), new Share(rootHits, rootAsked),
                    new Share(orderHits, asked), new Share(placeHits, asked));
        }
    }
}
