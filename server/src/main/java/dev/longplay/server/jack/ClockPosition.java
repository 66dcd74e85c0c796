package dev.longplay.server.jack;

/**
 * Where the player's clock stood at the start of the last period.
 *
 * @param frame  JACK frame time (32-bit) of the period start
 * @param beat   musical position in beats, null while no clock runs (transport stopped with BBT)
 * @param bpm    tempo
 * @param source "transport" when a JACK timebase master supplies BBT, else "internal"
 */
public record ClockPosition(long frame, Double beat, double bpm, int sampleRate, String source) {
}
