package dev.longplay.models.dataset;

import java.util.ArrayList;
import java.util.List;

/**
 * One way a musician writes a key: how the root's accidental is spelled ("F#", "F sharp", "F♯", "Gb", "G flat",
 * "G♭") and how the mode is ("major", "maj", nothing; "minor", "min", "m"). Spellings that the prompt tokenizer
 * reads as the same words ("#", "♯" and " sharp"; "♭" and " flat") share a {@link Accidental#tokens() token class}:
 * held-out spellings are held out by class, so a held-out key is never one a trained prompt spelled the same way.
 */
public record KeySpelling(Accidental accidental, Mode mode) {

    /** How a black key's root is spelled; naturals ignore it. */
    public enum Accidental {
        SHARP_SIGN("#", true, "sharp"),
        SHARP_WORD(" sharp", true, "sharp"),
        SHARP_SYMBOL("♯", true, "sharp"),
        FLAT_LETTER("b", false, "flat letter"),
        FLAT_WORD(" flat", false, "flat"),
        FLAT_SYMBOL("♭", false, "flat");

        private final String text;
        private final boolean sharp;
        private final String tokens;

        Accidental(String text, boolean sharp, String tokens) {
            this.text = text;
            this.sharp = sharp;
            this.tokens = tokens;
        }

        /** The class of spellings the tokenizer cannot tell apart. */
        public String tokens() {
            return tokens;
        }
    }

    /** How the mode is written; {@code BARE} (the root alone) means major, as musicians write "F#". */
    public enum Mode {
        MAJOR(" major", false), MAJ(" maj", false), BARE("", false),
        MINOR(" minor", true), MIN(" min", true), M("m", true);

        private final String text;
        private final boolean minor;

        Mode(String text, boolean minor) {
            this.text = text;
            this.minor = minor;
        }

        public boolean minor() {
            return minor;
        }
    }

    private static final String[] LETTERS = {"C", null, "D", null, "E", "F", null, "G", null, "A", null, "B"};

    public static boolean natural(int pitchClass) {
        return LETTERS[Math.floorMod(pitchClass, 12)] != null;
    }

    /** The key written this way: "F# minor", "Gbm", "A maj". */
    public String write(int pitchClass, boolean minor) {
        if (mode.minor != minor) {
            throw new IllegalArgumentException(mode + " does not spell a " + (minor ? "minor" : "major") + " key");
        }
        int pc = Math.floorMod(pitchClass, 12);
        String root = natural(pc) ? LETTERS[pc]
                : accidental.sharp ? LETTERS[pc - 1] + accidental.text : LETTERS[(pc + 1) % 12] + accidental.text;
        return root + mode.text;
    }

    /**
     * Every spelling of a key in the given mode, naturals once per mode form. A word accidental with the attached
     * "m" ("F sharpm") is left out: nobody writes it.
     */
    public static List<KeySpelling> all(int pitchClass, boolean minor) {
        List<KeySpelling> out = new ArrayList<>();
        for (Mode m : Mode.values()) {
            if (m.minor != minor) {
                continue;
            }
            if (natural(pitchClass)) {
                out.add(new KeySpelling(Accidental.SHARP_SIGN, m));
                continue;
            }
            for (Accidental a : Accidental.values()) {
                if (m == Mode.M && (a == Accidental.SHARP_WORD || a == Accidental.FLAT_WORD)) {
                    continue;
                }
                out.add(new KeySpelling(a, m));
            }
        }
        return out;
    }

    /**
     * Whether this spelling of this key is kept out of training. One token class per key is: a separate mode word
     * ("major", "maj", "minor", "min") with a root spelled by letter, sharp or separate flat, chosen by the key,
     * so every word of a held-out spelling is trained with other keys and only the combination is new.
     */
    public boolean heldOut(int pitchClass, boolean minor) {
        if (mode == Mode.BARE || mode == Mode.M || (!natural(pitchClass) && accidental == Accidental.FLAT_LETTER)) {
            return false;
        }
        List<String> classes = new ArrayList<>();
        for (Mode m : minor ? new Mode[] {Mode.MINOR, Mode.MIN} : new Mode[] {Mode.MAJOR, Mode.MAJ}) {
            if (natural(pitchClass)) {
                classes.add(m.name());
            } else {
                classes.add(m.name() + "/sharp");
                classes.add(m.name() + "/flat");
            }
        }
        int pc = Math.floorMod(pitchClass, 12);
        String chosen = classes.get((5 * pc + (minor ? 3 : 0)) % classes.size());
        String mine = natural(pc) ? mode.name() : mode.name() + "/" + accidental.tokens;
        return chosen.equals(mine);
    }
}
