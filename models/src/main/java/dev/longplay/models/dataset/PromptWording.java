package dev.longplay.models.dataset;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Writes a {@link SoundSpec} as musicians type it, for the {@link PromptVocabulary#V2} training set: any integer
 * tempo from {@link #MIN_TEMPO} to {@link #MAX_TEMPO} ("97 BPM", "at 97 bpm", "97bpm", "tempo 97"), every key
 * spelling ({@link KeySpelling}), the parts in any order (adjectives before or after the instrument), with or
 * without commas.
 * <p>
 * Held out of training, for the eval: the tempos ending in 3 (73, 83, … 173), one spelling class per key
 * ({@link KeySpelling#heldOut}), and one word order in six — the orders are ranked among the permutations of the
 * parts a prompt has, and rank 5, 11, 17 … is held out, so the synthesiser's own order (rank 0) is trained.
 * Every word of a held-out prompt occurs in trained prompts; only the combination is new.
 */
public final class PromptWording {

    public static final int MIN_TEMPO = 70;
    public static final int MAX_TEMPO = 180;

    /** The parts of a prompt, in the synthesiser's own order. */
    public enum Part { KIND, KEY, TEMPO, TONE, PLACE }

    private static final String[] TEMPO_STYLES = {"%d BPM", "%d bpm", "%dbpm", "at %d bpm", "at %d BPM", "tempo %d"};
    private static final String[][] PLACES = {{"panned left", "left"}, {"centered", "centred", "center"},
            {"panned right", "right"}};

    private PromptWording() {
    }

    public static boolean heldOutTempo(int bpm) {
        return bpm % 10 == 3;
    }

    public static List<Integer> trainingTempos() {
        return tempos(false);
    }

    public static List<Integer> heldOutTempos() {
        return tempos(true);
    }

    private static List<Integer> tempos(boolean heldOut) {
        List<Integer> out = new ArrayList<>();
        for (int t = MIN_TEMPO; t <= MAX_TEMPO; t++) {
            if (heldOutTempo(t) == heldOut) {
                out.add(t);
            }
        }
        return out;
    }

    /** The parts {@code spec}'s prompt names: the key for tonal kinds, the tempo for rhythmic ones. */
    public static List<Part> parts(SoundSpec spec) {
        List<Part> parts = new ArrayList<>(List.of(Part.KIND));
        if (spec.kind().tonal()) {
            parts.add(Part.KEY);
        }
        if (spec.kind().rhythmic()) {
            parts.add(Part.TEMPO);
        }
        parts.add(Part.TONE);
        parts.add(Part.PLACE);
        return parts;
    }

    /** Whether a word order is kept out of training: its lexicographic rank among its parts' orders is 5 mod 6. */
    public static boolean heldOutOrder(List<Part> order) {
        return rank(order) % 6 == 5;
    }

    /** The order's rank among all permutations of its parts, in {@link Part} order (0: the synthesiser's own). */
    static long rank(List<Part> order) {
        List<Part> left = new ArrayList<>(order);
        left.sort(null);
        long rank = 0;
        for (Part p : order) {
            int i = left.indexOf(p);
            rank = rank * left.size() + i;
            left.remove(i);
        }
        return rank;
    }

    /** A prompt for {@code spec} in a trained word order and, for tonal kinds, a trained key spelling. */
    public static String trained(SoundSpec spec, SplittableRandom rng) {
        return write(spec, rng, false);
    }

    /** A prompt for {@code spec} in a held-out word order and, for tonal kinds, its key's held-out spelling. */
    public static String heldOut(SoundSpec spec, SplittableRandom rng) {
        return write(spec, rng, true);
    }

    /** The wording drawn for one prompt: its parts' order, key spelling, separator and styles. */
    record Choice(List<Part> order, KeySpelling spelling, boolean commas, boolean keyWithIn, String tempoStyle,
                  String place) {
    }

    private static String write(SoundSpec spec, SplittableRandom rng, boolean heldOut) {
        return write(spec, choose(spec, rng, heldOut));
    }

    /** A trained ({@code heldOut} false) or held-out wording for {@code spec}, drawn from {@code rng}. */
    static Choice choose(SoundSpec spec, SplittableRandom rng, boolean heldOut) {
        List<Part> order;
        do {
            order = new ArrayList<>(parts(spec));
            for (int i = order.size() - 1; i > 0; i--) { // Fisher-Yates
                int j = rng.nextInt(i + 1);
                order.set(i, order.set(j, order.get(i)));
            }
        } while (heldOutOrder(order) != heldOut);
        KeySpelling spelling;
        List<KeySpelling> spellings = KeySpelling.all(spec.keyPitchClass(), spec.minor());
        do {
            spelling = spellings.get(rng.nextInt(spellings.size()));
        } while (spec.kind().tonal() && spelling.heldOut(spec.keyPitchClass(), spec.minor()) != heldOut);
        boolean commas = rng.nextBoolean();
        boolean keyWithIn = rng.nextInt(3) == 0;
        String tempoStyle = TEMPO_STYLES[rng.nextInt(TEMPO_STYLES.length)];
        String[] places = PLACES[spec.placement().ordinal()];
        return new Choice(List.copyOf(order), spelling, commas, keyWithIn, tempoStyle,
                places[rng.nextInt(places.length)]);
    }

    static String write(SoundSpec spec, Choice c) {
        List<String> words = new ArrayList<>();
        for (Part p : c.order()) {
            words.add(switch (p) {
                case KIND -> spec.kind().words();
                case KEY -> (c.keyWithIn() ? "in " : "") + c.spelling().write(spec.keyPitchClass(), spec.minor());
                case TEMPO -> String.format(java.util.Locale.ROOT, c.tempoStyle(), spec.tempo());
                case TONE -> spec.brightness().words();
                case PLACE -> c.place();
            });
        }
        return String.join(c.commas() ? ", " : " ", words);
    }
}
