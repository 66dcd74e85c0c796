package dev.longplay.server.jack;

/**
 * One {@code /play}: what OSC and HTTP both turn into a call to {@link Player#play}.
 *
 * @param playId      the caller's name for this playback (used by stop and in the end event)
 * @param atFrame     JACK frame time (32-bit, as {@code jack_frame_time} reports it) to start at; null = now
 * @param atBeat      beat (from the transport's bar 1 beat 1, or the internal clock's origin) to start at; null = none
 * @param gain        linear gain, 0..4
 * @param fadeMs      fade in at the start and out on stop or gate end, 0..1000 ms
 * @param gateBeats   for {@link PlayMode#GATE}: how long the gate stays open, in beats (or use gateSeconds)
 * @param gateSeconds for {@link PlayMode#GATE}: how long the gate stays open, in seconds
 */
public record PlayRequest(String playId, String clipId, Long atFrame, Double atBeat, PlayMode mode, Double gain,
                          Double fadeMs, Double gateBeats, Double gateSeconds) {

    public static final double DEFAULT_FADE_MS = 5;

    public PlayRequest {
        require(playId != null && playId.matches("[A-Za-z0-9._-]{1,64}"), "playId must be 1-64 characters of A-Z a-z 0-9 . _ -");
        require(clipId != null && !clipId.isBlank(), "clipId is required");
        require(atFrame == null || atBeat == null, "give at most one of atFrame and atBeat");
        require(atFrame == null || (atFrame >= 0 && atFrame <= 0xFFFF_FFFFL), "atFrame is a 32-bit JACK frame time");
        require(atBeat == null || (Double.isFinite(atBeat) && atBeat >= 0), "atBeat must be a beat position >= 0");
        mode = mode == null ? PlayMode.ONE_SHOT : mode;
        gain = gain == null ? 1.0 : gain;
        require(Double.isFinite(gain) && gain >= 0 && gain <= 4, "gain must be in [0, 4]");
        fadeMs = fadeMs == null ? DEFAULT_FADE_MS : fadeMs;
        require(Double.isFinite(fadeMs) && fadeMs >= 0 && fadeMs <= 1000, "fadeMs must be in [0, 1000]");
        require(mode == PlayMode.GATE ? (gateBeats == null) != (gateSeconds == null) : gateBeats == null && gateSeconds == null,
                mode == PlayMode.GATE ? "a gate needs exactly one of gateBeats and gateSeconds" : "gateBeats/gateSeconds are only for mode gate");
        require(gateBeats == null || (Double.isFinite(gateBeats) && gateBeats > 0 && gateBeats <= 1024), "gateBeats must be in (0, 1024]");
        require(gateSeconds == null || (Double.isFinite(gateSeconds) && gateSeconds > 0 && gateSeconds <= 3600), "gateSeconds must be in (0, 3600]");
    }

    /** The simplest form: play a clip once, now. */
    public static PlayRequest now(String playId, String clipId) {
        return new PlayRequest(playId, clipId, null, null, null, null, null, null, null);
    }

    private static void require(boolean ok, String message) {
        if (!ok) {
            throw new IllegalArgumentException(message);
        }
    }
}
