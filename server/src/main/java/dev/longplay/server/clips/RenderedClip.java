package dev.longplay.server.clips;

import java.util.Map;

/**
 * What a renderer produces: float32 planar audio ({@code audio[channel][frame]}, 1 or 2 channels of equal length),
 * nominally in [-1, 1] but decoded peaks can reach about 2.0 — the clip writer normalises them, see WavWriter.
 *
 * @param seed     the seed actually used
 * @param metadata renderer facts for the clip's JSON: at least "modelHash"; timings in milliseconds
 *                 (e.g. "encodeMs", "sampleMs", "decodeMs"); values must be JSON-friendly (strings, numbers, maps, lists)
 */
public record RenderedClip(float[][] audio, int sampleRate, long seed, Map<String, Object> metadata) {

    public RenderedClip {
        if (audio == null || audio.length < 1 || audio.length > 2) {
            throw new IllegalArgumentException("a clip has 1 or 2 channels");
        }
        for (float[] ch : audio) {
            if (ch == null || ch.length != audio[0].length) {
                throw new IllegalArgumentException("every channel must have the same number of frames");
            }
        }
        if (audio[0].length == 0) {
            throw new IllegalArgumentException("a clip needs at least one frame");
        }
        if (sampleRate < 8000 || sampleRate > 192_000) {
            throw new IllegalArgumentException("sample rate out of range: " + sampleRate);
        }
        metadata = metadata == null ? Map.of() : Map.copyOf(metadata);
    }

    public int frames() {
        return audio[0].length;
    }

    public int channels() {
        return audio.length;
    }
}
