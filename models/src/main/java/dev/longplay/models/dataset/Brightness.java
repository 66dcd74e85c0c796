package dev.longplay.models.dataset;

/** A tone colour a prompt asks for; {@code cutoffHz} is the lowpass that makes it. */
public enum Brightness {
    DARK("dark", 700),
    BRIGHT("bright", 6000);

    private final String words;
    private final double cutoffHz;

    Brightness(String words, double cutoffHz) {
        this.words = words;
        this.cutoffHz = cutoffHz;
    }

    public String words() {
        return words;
    }

    public double cutoffHz() {
        return cutoffHz;
    }
}
