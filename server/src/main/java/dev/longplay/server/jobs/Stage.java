package dev.longplay.server.jobs;

import com.fasterxml.jackson.annotation.JsonValue;

/** The phases of a job that progress events name. */
public enum Stage {
    QUEUED("queued"),
    LOADING_MODEL("loading_model"),
    ENCODING("encoding"),
    SAMPLING("sampling"),
    DECODING("decoding"),
    WRITING("writing");

    private final String wire;

    Stage(String wire) {
        this.wire = wire;
    }

    @JsonValue
    public String wire() {
        return wire;
    }
}
