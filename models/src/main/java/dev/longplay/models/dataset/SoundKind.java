package dev.longplay.models.dataset;

/** The families of sound the synthetic training set holds; {@code words} is how a prompt names each. */
public enum SoundKind {
    DRUM_LOOP("drum loop", false, true),
    BASS("bass line", true, true),
    PAD("pad chords", true, false),
    PLUCK("pluck melody", true, true),
    RISER("riser", false, false),
    NOISE_SWEEP("noise sweep", false, false),
    ONE_SHOT("one shot hit", false, false);

    private final String words;
    private final boolean tonal;
    private final boolean rhythmic;

    SoundKind(String words, boolean tonal, boolean rhythmic) {
        this.words = words;
        this.tonal = tonal;
        this.rhythmic = rhythmic;
    }

    public String words() {
        return words;
    }

    /** Whether the sound has a key (its prompt names one and the eval checks its pitch class). */
    public boolean tonal() {
        return tonal;
    }

    /** Whether the sound follows a tempo (its prompt names BPM). */
    public boolean rhythmic() {
        return rhythmic;
    }
}
