package dev.longplay.models.dataset;

import java.util.ArrayList;
import java.util.List;

/**
 * One example of the synthetic set: what to render and the seed of its details (pattern, notes, noise).
 * {@code tempo} is used by rhythmic kinds, {@code keyPitchClass} (0 = C) and {@code minor} by tonal ones.
 */
public record SoundSpec(SoundKind kind, int tempo, int keyPitchClass, boolean minor, Brightness brightness,
                        Placement placement, long seed) {

    private static final String[] NOTE_NAMES = {"C", "C#", "D", "D#", "E", "F", "F#", "G", "G#", "A", "A#", "B"};

    public static String noteName(int pitchClass) {
        return NOTE_NAMES[Math.floorMod(pitchClass, 12)];
    }

    /** The text label, as a musician would prompt: "bass line, A minor, 120 BPM, dark, panned left". */
    public String prompt() {
        List<String> parts = new ArrayList<>();
        parts.add(kind.words());
        if (kind.tonal()) {
            parts.add(noteName(keyPitchClass) + (minor ? " minor" : " major"));
        }
        if (kind.rhythmic()) {
            parts.add(tempo + " BPM");
        }
        parts.add(brightness.words());
        parts.add(placement.words());
        return String.join(", ", parts);
    }

    /** The label combination that held-out splits are made of: kind, tone colour and placement. */
    public String combination() {
        return kind + "/" + brightness + "/" + placement;
    }
}
