package dev.longplay.models.dataset;

/** Where a sound sits in the stereo field; {@code pan} is -1 (left) to 1 (right). */
public enum Placement {
    LEFT("panned left", -0.8),
    CENTER("centered", 0.0),
    RIGHT("panned right", 0.8);

    private final String words;
    private final double pan;

    Placement(String words, double pan) {
        this.words = words;
        this.pan = pan;
    }

    public String words() {
        return words;
    }

    public double pan() {
        return pan;
    }
}
