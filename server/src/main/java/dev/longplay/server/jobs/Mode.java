package dev.longplay.server.jobs;

import com.fasterxml.jackson.annotation.JsonValue;

/** What a generation does. Wire names are lower case; a "preset" request is resolved to one of these first. */
public enum Mode {
    TEXT("text"),
    AUDIO_TO_AUDIO("audio_to_audio"),
    INPAINT("inpaint"),
    CONTINUE("continue"),
    LOOP("loop"),
    SFX("sfx");

    private final String wire;

    Mode(String wire) {
        this.wire = wire;
    }

    @JsonValue
    public String wire() {
        return wire;
    }

    /** Modes that start from an existing recording. */
    public boolean needsInitAudio() {
        return this == AUDIO_TO_AUDIO || this == INPAINT || this == CONTINUE;
    }
}
