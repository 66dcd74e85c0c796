package dev.longplay.server.jack;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

import java.util.Locale;

/** How a voice plays its clip. */
public enum PlayMode {
    /** Once through, then the voice ends (a stop ends it early, with a fade). */
    ONE_SHOT("oneshot"),
    /** Round and round until stopped; the wrap is sample-exact (loops are rendered to loop). */
    LOOP("loop"),
    /** For a fixed gate length, looping the clip if it is shorter, then a fade out: a scheduled note-off. */
    GATE("gate");

    private final String wire;

    PlayMode(String wire) {
        this.wire = wire;
    }

    @JsonValue
    public String wire() {
        return wire;
    }

    @JsonCreator
    public static PlayMode parse(String s) {
        String v = s.toLowerCase(Locale.ROOT).replace("_", "").replace("-", "");
        for (PlayMode m : values()) {
            if (m.wire.equals(v)) {
                return m;
            }
        }
        throw new IllegalArgumentException("mode must be oneshot, loop or gate, got " + s);
    }
}
