package dev.longplay.models.conditioning;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The tempo a prompt asks for, as a model's {@value #CONDITIONER_ID} number conditioner reads it: "97 BPM",
 * "97bpm", "at 97 bpm", "tempo 97", "97 beats per minute", "97.5 BPM". A prompt that names no tempo (a pad, a riser)
 * gives {@link #NONE}, which the conditioner's range clamps to its minimum: the model learns that value as "no
 * tempo asked", as it learns any other. The first tempo named wins; values outside {@link #MIN}–{@link #MAX} BPM are
 * not tempos (a "303" is a synth, a "2" a count).
 * <p>
 * Why a number and not only tokens: a word-level tokenizer gives a tempo as digit tokens, and a small diffusion model
 * has to learn to compose place values from them before it can place beats; a number conditioner embeds the tempo
 * smoothly (Fourier features of the normalised value, as seconds_total is embedded), so tempos between the trained
 * ones sit between them.
 */
public final class PromptTempo {

    /** The id of the number conditioner that receives the tempo, in a model config's conditioning list. */
    public static final String CONDITIONER_ID = "bpm";
    /** The value given for a prompt with no tempo. */
    public static final double NONE = 0;
    public static final double MIN = 20;
    public static final double MAX = 400;

    private static final String NUMBER = "(\\d{2,3}(?:\\.\\d+)?)";
    private static final Pattern AFTER = Pattern.compile(NUMBER + "\\s*(?:-\\s*)?(?:bpm|beats per minute)\\b");
    private static final Pattern BEFORE = Pattern.compile("\\b(?:tempo|bpm)\\s*(?:of\\s*|:\\s*|=\\s*)?" + NUMBER
            + "(?![\\d.])");

    private PromptTempo() {
    }

    /** The tempo {@code prompt} names in BPM, or {@link #NONE}. */
    public static double of(String prompt) {
        if (prompt == null) {
            return NONE;
        }
        String text = prompt.toLowerCase(Locale.ROOT);
        Matcher after = AFTER.matcher(text);
        Matcher before = BEFORE.matcher(text);
        int at = Integer.MAX_VALUE;
        double found = NONE;
        // the earliest match of either form, scanning past values that are not tempos
        while (after.find()) {
            double v = Double.parseDouble(after.group(1));
            if (v >= MIN && v <= MAX) {
                at = after.start();
                found = v;
                break;
            }
        }
        while (before.find() && before.start() < at) {
            double v = Double.parseDouble(before.group(1));
            if (v >= MIN && v <= MAX) {
                return v;
            }
        }
        return found;
    }
}
