package dev.longplay.server.presets;

import dev.longplay.models.metrics.LoudnessTarget;
import dev.longplay.server.jobs.Mode;

import java.util.List;

/**
 * A named starting point for a job, read from {@code presets/<name>.json}. {@code prompt} is a template:
 * {@code {prompt}} takes the user's words, {@code {bpm}} and {@code {bars}} the tempo and length. A loop preset
 * gives {@code bpm} and {@code bars} (the request may override both); other presets give {@code seconds}.
 * Null sampler settings mean the model's defaults. {@code loudness} ({@code {"targetLufs": -14, "truePeakCeilingDb": -1}})
 * normalises the clip to a loudness instead of a peak.
 */
public record Preset(
        String name,
        String description,
        String category,
        Mode mode,
        String prompt,
        String negativePrompt,
        Double seconds,
        Double bpm,
        Integer bars,
        Integer steps,
        Double cfgScale,
        String sampler,
        List<String> tags,
        LoudnessTarget loudness) {

    public Preset {
        tags = tags == null ? List.of() : List.copyOf(tags);
    }
}
