package dev.longplay.osc;

import java.time.Instant;
import java.util.Optional;

/** The server's musical clock, for the {@code atBeat} option: when a given beat happens. */
@FunctionalInterface
public interface BeatClock {
    /** The instant of beat {@code beat}, or empty when the clock is not running. */
    Optional<Instant> instantOf(double beat);
}
