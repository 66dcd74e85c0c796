package dev.longplay.models.conditioning;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The key a prompt asks for, as a model's {@value #CONDITIONER_ID} int conditioner reads it: {@link #NONE} for no key,
 * 1 + pitch class for a major key (C = 1 … B = 12), 13 + pitch class for a minor one. Every spelling musicians use
 * reads the same: "A minor", "Am", "A min", "A-minor", "in a minor", "F#", "F sharp", "F♯ maj", "Gb", "G flat",
 * "G♭ major", "C" (a bare root is major), and a chord symbol's root and mode ("Am7", "Cmaj7"). The first key named
 * wins.
 * <p>
 * A bare letter is a key only where nothing else reads it: upper case and standing alone; "A" opening a sentence is
 * the article ("A dark pad") unless a separator follows it ("A, dark pad") or "in" or "key" comes before it.
 * Lower-case roots need a mode word, or "#", "♯", "♭" or "sharp" ("f sharp"; "eb", "a flat" and "am" are words,
 * "Eb", "A flat" and "Am" keys).
 * <p>
 * Why a class and not only tokens: the tokenizer gives one key many spellings, and a small diffusion model would have
 * to learn that each means the same pitch; an embedding per key gives the pitch one input however it is written.
 */
public final class PromptKey {

    /** The id of the int conditioner that receives the key, in a model config's conditioning list. */
    public static final String CONDITIONER_ID = "key";
    /** The value given for a prompt that names no key. */
    public static final int NONE = 0;
    /** The largest value: B minor. */
    public static final int MAX = 24;

    private static final int[] LETTER_PITCH = {9, 11, 0, 2, 4, 5, 7}; // A B C D E F G

    // root letter, accidental, mode (a chord's extension may follow it: "Am7", "Cmaj7"); not inside a word, a
    // number or a hyphenated name ("E-piano", "B3")
    private static final Pattern KEY = Pattern.compile(
            "(?<![\\p{L}\\p{N}'’-])([A-Ga-g])(#|♯|♭|b|\\s?(?i:sharp|flat)\\b)?"
                    + "((?:\\s?|-)(?i:major|maj|minor|min)(?=\\d|\\b)|m)?(?:(?<=[a-z])\\d{1,2})?"
                    + "(?![\\p{L}\\p{N}#♯♭'’-])",
            Pattern.UNICODE_CHARACTER_CLASS);
    private static final Pattern KEY_WORD_BEFORE = Pattern.compile("(?:\\bin|\\bkey(?:\\s+of)?|:)\\s*$");
    private static final Pattern SENTENCE_START = Pattern.compile("(?:^|[.!?\\n])\\s*$");
    private static final Pattern SEPARATOR_AFTER = Pattern.compile("^\\s*(?:[,;/|)]|$)");

    private PromptKey() {
    }

    /** The key {@code prompt} names, as {@link #NONE}, 1–12 (major) or 13–24 (minor). */
    public static int of(String prompt) {
        if (prompt == null) {
            return NONE;
        }
        Matcher m = KEY.matcher(prompt);
        while (m.find()) {
            String letter = m.group(1);
            String accidental = m.group(2) == null ? "" : m.group(2).strip().toLowerCase(Locale.ROOT);
            String mode = m.group(3) == null ? "" : m.group(3).replace("-", "").strip().toLowerCase(Locale.ROOT);
            boolean upper = Character.isUpperCase(letter.charAt(0));
            if (!accepted(prompt, m, upper, accidental, mode)) {
                continue;
            }
            int pc = LETTER_PITCH[Character.toUpperCase(letter.charAt(0)) - 'A'];
            if (accidental.equals("#") || accidental.equals("♯") || accidental.equals("sharp")) {
                pc++;
            } else if (!accidental.isEmpty()) {
                pc--;
            }
            boolean minor = mode.equals("m") || mode.startsWith("min");
            return (minor ? 13 : 1) + Math.floorMod(pc, 12);
        }
        return NONE;
    }

    private static boolean accepted(String prompt, Matcher m, boolean upper, String accidental, String mode) {
        if (!upper) {
            boolean sign = accidental.equals("#") || accidental.equals("♯") || accidental.equals("♭")
                    || accidental.equals("sharp");
            return sign || mode.length() > 1; // "f sharp", "e minor"; not "eb", "a flat", "am"
        }
        if (!accidental.isEmpty() || !mode.isEmpty() || !m.group(1).equals("A")) {
            return true;
        }
        String before = prompt.substring(0, m.start()).toLowerCase(Locale.ROOT);
        return !SENTENCE_START.matcher(before).find() || KEY_WORD_BEFORE.matcher(before).find()
                || SEPARATOR_AFTER.matcher(prompt.substring(m.end())).find();
    }
}
