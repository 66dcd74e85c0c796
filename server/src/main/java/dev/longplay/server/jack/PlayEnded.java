package dev.longplay.server.jack;

/**
 * A playback ended: what {@code /play/end} carries.
 *
 * @param frame  JACK frame time (32-bit) just after its last sample
 * @param reason "finished" (ran out or gate closed), "stopped", or "replaced" (a new play with the same id)
 */
public record PlayEnded(String playId, String clipId, int voice, long frame, String reason) {
}
