package dev.longplay.server.jobs;

import com.fasterxml.jackson.annotation.JsonValue;

/**
 * The phases of a job that progress events name. A clip longer than the model's window reports {@link #WINDOW}
 * (step = windows done, total = windows) as each window begins, and its {@link #SAMPLING} steps count over all
 * windows, so progress only moves forward.
 */
public enum Stage {
    QUEUED("queued"),
    LOADING_MODEL("loading_model"),
    ENCODING("encoding"),
    WINDOW("window"),
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
