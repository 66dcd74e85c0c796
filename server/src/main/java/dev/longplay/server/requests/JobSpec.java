package dev.longplay.server.requests;

import dev.longplay.server.jobs.GenerationRequest;
import dev.longplay.server.jobs.Priority;
import dev.longplay.server.jobs.TimeRange;
import dev.longplay.server.clips.OutputFormat;
import java.util.List;

/**
 * A job as a client describes it (the JSON body of {@code POST /v1/jobs}, and what other edges build): names
 * instead of files, a preset instead of settings, defaults left out. {@link JobSpecResolver} turns it into a
 * {@link GenerationRequest}.
 *
 * @param mode      text, audio_to_audio, inpaint, continue, loop, sfx, or "preset" (the preset's own mode);
 *                  null means the preset's mode, else text
 * @param initAudio the recording to start from: a stored clip or an upload
 * @param loras     LoRA adapters from the server's LoRA folder, by file name, stacked in order (Stable Audio 3 models)
 */
public record JobSpec(
        String mode,
        String preset,
        String prompt,
        String negativePrompt,
        Double seconds,
        Long seed,
        Integer steps,
        Double cfgScale,
        String sampler,
        AudioRef initAudio,
        Double initNoiseLevel,
        List<TimeRange> inpaintRanges,
        Double bpm,
        Integer bars,
        Priority priority,
        String model,
        OutputFormat format,
        List<Lora> loras) {

    /** Without LoRA adapters. */
    public JobSpec(String mode, String preset, String prompt, String negativePrompt, Double seconds, Long seed,
                   Integer steps, Double cfgScale, String sampler, AudioRef initAudio, Double initNoiseLevel,
                   List<TimeRange> inpaintRanges, Double bpm, Integer bars, Priority priority, String model,
                   OutputFormat format) {
        this(mode, preset, prompt, negativePrompt, seconds, seed, steps, cfgScale, sampler, initAudio, initNoiseLevel,
                inpaintRanges, bpm, bars, priority, model, format, null);
    }

    /** One adapter: a file name in the LoRA folder (".safetensors" may be left off) and a strength (default 1). */
    public record Lora(String name, Double strength) {
    }

    /** Exactly one of {@code clip} (a stored clip's id) and {@code upload} (an id from {@code POST /v1/uploads}). */
    public record AudioRef(String clip, String upload) {
    }
}
