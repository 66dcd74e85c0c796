package dev.longplay.models.dataset;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The seeded synthetic training set: example {@code i} of a split is a pure function of (seed, split, i).
 * Label combinations ({@link SoundSpec#combination()}) are divided once: about one in six never appears in
 * {@link Split#TRAIN} or {@link Split#VALIDATION} and makes up {@link Split#HELD_OUT}, so the eval can ask for
 * pairings the model never heard. VALIDATION has the training combinations with other seeds.
 */
public final class SyntheticDataset {

    public enum Split { TRAIN, VALIDATION, HELD_OUT }

    public static final int[] TEMPOS = {80, 90, 100, 110, 120, 128, 140, 150};

    private final long seed;
    private final List<String> heldOut;
    private final List<String> seen;

    public SyntheticDataset(long seed) {
        this.seed = seed;
        List<String> all = new ArrayList<>();
        for (SoundKind k : SoundKind.values()) {
            for (Brightness b : Brightness.values()) {
                for (Placement p : Placement.values()) {
                    all.add(k + "/" + b + "/" + p);
                }
            }
        }
        heldOut = new ArrayList<>();
        seen = new ArrayList<>();
        // one held-out combination per kind (chosen by the seed), so every kind, tone and placement stays in training
        SplittableRandom rng = new SplittableRandom(seed);
        int perKind = Brightness.values().length * Placement.values().length;
        for (int k = 0; k < SoundKind.values().length; k++) {
            int pick = rng.nextInt(perKind);
            for (int j = 0; j < perKind; j++) {
                (j == pick ? heldOut : seen).add(all.get(k * perKind + j));
            }
        }
    }

    /** The label combinations that training never sees. */
    public List<String> heldOutCombinations() {
        return List.copyOf(heldOut);
    }

    public List<String> trainingCombinations() {
        return List.copyOf(seen);
    }

    /**
     * Example {@code index} of {@code split} worded in {@code vocabulary}: for {@link PromptVocabulary#V1} the
     * {@link #example} with its own label, exactly as runs before V2 trained; for {@link PromptVocabulary#V2} the
     * same sound at a trained integer tempo, in a trained wording ({@link PromptWording#trained}).
     */
    public WordedExample worded(Split split, long index, PromptVocabulary vocabulary) {
        SoundSpec spec = example(split, index);
        if (vocabulary == PromptVocabulary.V1) {
            return new WordedExample(spec, spec.prompt());
        }
        SplittableRandom rng = new SplittableRandom(spec.seed() ^ 0x57A7E5L);
        java.util.List<Integer> tempos = PromptWording.trainingTempos();
        SoundSpec v2 = new SoundSpec(spec.kind(), tempos.get(rng.nextInt(tempos.size())), spec.keyPitchClass(),
                spec.minor(), spec.brightness(), spec.placement(), spec.seed());
        return new WordedExample(v2, PromptWording.trained(v2, rng));
    }

    /** Example {@code index} of {@code split}; the same every time for the same dataset seed. */
    public SoundSpec example(Split split, long index) {
        SplittableRandom rng = new SplittableRandom(seed * 31 + split.ordinal() * 0x5DEECE66DL + index * 0x9E3779B97F4A7C15L);
        List<String> pool = split == Split.HELD_OUT ? heldOut : seen;
        String[] combo = pool.get(rng.nextInt(pool.size())).split("/");
        return new SoundSpec(SoundKind.valueOf(combo[0]), TEMPOS[rng.nextInt(TEMPOS.length)], rng.nextInt(12),
                rng.nextBoolean(), Brightness.valueOf(combo[1]), Placement.valueOf(combo[2]), rng.nextLong());
    }
}
