package dev.longplay.server.clips;

import com.fasterxml.jackson.annotation.JsonValue;

/** The clip file written for a job. */
public enum OutputFormat {
    WAV_PCM16("wav16", 16),
    WAV_PCM24("wav24", 24),
    WAV_FLOAT32("wav32f", 32);

    private final String wire;
    private final int bitsPerSample;

    OutputFormat(String wire, int bitsPerSample) {
        this.wire = wire;
        this.bitsPerSample = bitsPerSample;
    }

    @JsonValue
    public String wire() {
        return wire;
    }

    public int bitsPerSample() {
        return bitsPerSample;
    }
}
