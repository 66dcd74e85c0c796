package dev.longplay.server.jack;

/**
 * Record from the JACK inputs and restyle the take: what {@code /capture} (HTTP or OSC) asks for.
 *
 * @param seconds        take length (or give bars)
 * @param bars           take length in 4/4 bars at the clock's current tempo
 * @param atFrame        JACK frame time to start at; null = now
 * @param prompt         what the style transfer should turn the take into
 * @param initNoiseLevel how far from the take the sampler starts; null = the model's default
 */
public record CaptureRequest(Double seconds, Integer bars, Long atFrame, String prompt, Double initNoiseLevel,
                             Integer steps, Long seed) {

    public CaptureRequest {
        if ((seconds == null) == (bars == null)) {
            throw new IllegalArgumentException("give exactly one of seconds and bars");
        }
        if (seconds != null && !(seconds > 0 && seconds <= 600)) {
            throw new IllegalArgumentException("seconds must be in (0, 600]");
        }
        if (bars != null && (bars < 1 || bars > 64)) {
            throw new IllegalArgumentException("bars must be in [1, 64]");
        }
        if (atFrame != null && (atFrame < 0 || atFrame > 0xFFFF_FFFFL)) {
            throw new IllegalArgumentException("atFrame is a 32-bit JACK frame time");
        }
        if (prompt == null || prompt.isBlank()) {
            throw new IllegalArgumentException("prompt is required: it says what to turn the take into");
        }
    }
}
