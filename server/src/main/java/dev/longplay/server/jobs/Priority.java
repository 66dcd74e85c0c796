package dev.longplay.server.jobs;

import com.fasterxml.jackson.annotation.JsonValue;

/** Live jobs (a musician waiting at the instrument) run ahead of batch jobs; FIFO within a priority. */
public enum Priority {
    LIVE("live"),
    BATCH("batch");

    private final String wire;

    Priority(String wire) {
        this.wire = wire;
    }

    @JsonValue
    public String wire() {
        return wire;
    }
}
