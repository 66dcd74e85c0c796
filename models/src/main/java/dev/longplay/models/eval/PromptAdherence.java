package dev.longplay.models.eval;

import dev.longplay.models.dataset.Brightness;
import dev.longplay.models.dataset.Placement;
import dev.longplay.models.dataset.SoundKind;
import dev.longplay.models.dataset.SoundSpec;
import dev.longplay.models.dataset.SoundSynth;
import dev.longplay.models.dataset.SyntheticDataset;
import dev.longplay.models.pipeline.StableAudioPipeline;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * How well a model follows prompts it never trained on: it renders the held-out label combinations of the
 * synthetic set and each clip is measured against its own prompt. Brightness is scored in pairs (the same prompt
 * asked dark and bright, same seed); the Fréchet distance compares the generated set with the synthesiser's
 * own renderings of the same prompts.
 */
public final class PromptAdherence {

    /**
     * Shares of the prompts that asked for each thing (higher is better; each with its count and 95 % interval) and
     * the Fréchet distance (lower is better).
     * {@code rootWithinSemitone} also counts a root one semitone off (chance 3/12): it tells a model that places
     * pitch roughly from one that ignores the key, which the exact pitch class alone does not.
     * {@code rootByKind} is the exact root for each tonal kind asked (bass lines, pads, plucks): a model may place
     * one kind's pitch and not another's.
     */
    public record Report(int prompts, Share tempoWithin2Bpm, Share rootPitchClass, Share rootWithinSemitone,
                         Map<SoundKind, Share> rootByKind, Share brightnessOrder, Share placement, double frechet) {
        public Report {
            rootByKind = Map.copyOf(rootByKind);
        }
    }

    private PromptAdherence() {
    }

    public static Report measure(StableAudioPipeline model, long datasetSeed, int prompts, double seconds, int steps) {
        return measure(ClipSource.generated(model, steps, null), model.sampleRate(), datasetSeed, prompts, seconds);
    }

    /** As above for clips at {@code rate} from any source: the model, or the bounds the measures can reach. */
    public static Report measure(ClipSource source, int rate, long datasetSeed, int prompts, double seconds) {
        SyntheticDataset ds = new SyntheticDataset(datasetSeed);
        SoundSynth synth = new SoundSynth(rate);
        int tempoHits = 0, tempoAsked = 0, keyNear = 0, orderHits = 0, placeHits = 0;
        List<float[]> generated = new ArrayList<>();
        List<float[]> reference = new ArrayList<>();
        Map<SoundKind, int[]> byKind = new EnumMap<>(SoundKind.class); // hits, asked
        for (int i = 0; i < prompts; i++) {
            SoundSpec spec = ds.example(SyntheticDataset.Split.HELD_OUT, i);
            SoundSpec other = new SoundSpec(spec.kind(), spec.tempo(), spec.keyPitchClass(), spec.minor(),
                    spec.brightness() == Brightness.DARK ? Brightness.BRIGHT : Brightness.DARK, spec.placement(), spec.seed());
            float[][] audio = source.clip(spec, seconds, i);
            float[][] flipped = source.clip(other, seconds, i);
            float[] mono = AudioMeasures.mono(audio);
            generated.add(mono);
            reference.add(AudioMeasures.mono(synth.render(spec, mono.length)));
            if (spec.kind() == SoundKind.DRUM_LOOP) {
                tempoAsked++;
                tempoHits += Math.abs(AudioMeasures.tempo(mono, rate, 70, 160) - spec.tempo()) <= 2 ? 1 : 0;
            }
            if (spec.kind().tonal()) {
                int root = AudioMeasures.rootPitchClass(mono, rate);
                keyNear += root >= 0 && semitonesApart(root, spec.keyPitchClass()) <= 1 ? 1 : 0;
                int[] kind = byKind.computeIfAbsent(spec.kind(), k -> new int[2]);
                kind[0] += root == spec.keyPitchClass() ? 1 : 0;
                kind[1]++;
            }
            double c = AudioMeasures.centroidHz(mono, rate);
            double cOther = AudioMeasures.centroidHz(AudioMeasures.mono(flipped), rate);
            orderHits += (spec.brightness() == Brightness.BRIGHT) == (c > cOther) ? 1 : 0;
            placeHits += placementMatches(spec.placement(), AudioMeasures.balance(audio[0], audio[audio.length - 1])) ? 1 : 0;
        }
        Map<SoundKind, Share> rootByKind = new EnumMap<>(SoundKind.class);
        int keyHits = 0;
        int keyAsked = 0;
        for (Map.Entry<SoundKind, int[]> e : byKind.entrySet()) {
            rootByKind.put(e.getKey(), new Share(e.getValue()[0], e.getValue()[1]));
            keyHits += e.getValue()[0];
            keyAsked += e.getValue()[1];
        }
        return new Report(prompts, new Share(tempoHits, tempoAsked), new Share(keyHits, keyAsked),
                new Share(keyNear, keyAsked), rootByKind, new Share(orderHits, prompts), new Share(placeHits, prompts),
                FrechetDistance.between(generated, reference, rate));
    }

    /** The distance between two pitch classes around the circle of semitones: 0 to 6. */
    static int semitonesApart(int a, int b) {
        int d = Math.floorMod(a - b, 12);
        return Math.min(d, 12 - d);
    }

    static boolean placementMatches(Placement p, double balance) {
        return switch (p) {
            case LEFT -> balance < -0.2;
            case RIGHT -> balance > 0.2;
            case CENTER -> Math.abs(balance) <= 0.2;
        };
    }
}
