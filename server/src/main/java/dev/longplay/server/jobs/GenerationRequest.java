package dev.longplay.server.jobs;

import dev.longplay.server.clips.OutputFormat;
import dev.longplay.models.metrics.LoudnessTarget;

import java.nio.file.Path;
import java.util.List;
import java.util.regex.Pattern;

/**
 * One generation, as every edge (HTTP, OSC, plugin) hands it to the job engine: fully resolved (presets applied,
 * uploaded or stored audio turned into a file inside the server's folders, a seed chosen).
 *
 * <p>Nullable fields mean "the model's own default": {@code steps}, {@code cfgScale}, {@code sampler},
 * {@code negativePrompt}, {@code model} (the server's default model). {@code seed} is null only before the engine
 * accepts the job; the engine fills it so a re-run after a crash renders the same clip.
 *
 * @param seconds     length of the clip to produce; for {@link Mode#CONTINUE}, the length to add
 * @param initAudio   the recording to start from (audio_to_audio, inpaint, continue)
 * @param initNoiseLevel how far from the init audio the sampler starts (sigma); null = the model's default
 * @param inpaintRanges spans of {@code initAudio} to regenerate (inpaint only)
 * @param bpm         tempo for loops (and for prompts that mention it)
 * @param bars        loop length in 4/4 bars; with {@code bpm} it fixes {@code seconds}
 * @param preset      name of the preset the request came from, kept for the clip's metadata
 * @param loudness    normalise the clip to this loudness (with a true-peak ceiling) instead of peak-normalising; null = off
 * @param loras       LoRA adapters stacked on the model for this job (Stable Audio 3 models), in order; empty = none
 */
public record GenerationRequest(
        Mode mode,
        String prompt,
        String negativePrompt,
        double seconds,
        Long seed,
        Integer steps,
        Double cfgScale,
        String sampler,
        Path initAudio,
        Double initNoiseLevel,
        List<TimeRange> inpaintRanges,
        Double bpm,
        Integer bars,
        String preset,
        Priority priority,
        String model,
        OutputFormat format,
        LoudnessTarget loudness,
        List<LoraChoice> loras) {

    public static final double MAX_SECONDS = 600.0;
    public static final int MAX_PROMPT_CHARS = 2000;
    public static final int MAX_STEPS = 1000;
    /** The shortest clip: 1 ms, at least one sample at any rate from 1 kHz up (shorter lengths round to no audio). */
    public static final double MIN_SECONDS = 0.001;
    public static final long MAX_SEED = 0xFFFF_FFFFL; // the reference samplers take 32-bit seeds
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");

    public GenerationRequest {
        require(mode != null, "mode is required");
        require(priority != null, "priority is required");
        require(format != null, "format is required");
        require(Double.isFinite(seconds) && seconds >= MIN_SECONDS && seconds <= MAX_SECONDS,
                "seconds must be from " + MIN_SECONDS + " (1 ms) to " + MAX_SECONDS + ", got " + seconds);
        if (mode != Mode.INPAINT && mode != Mode.CONTINUE && mode != Mode.AUDIO_TO_AUDIO) {
            require(prompt != null && !prompt.isBlank(), "prompt is required for mode " + mode.wire());
        }
        require(prompt == null || prompt.length() <= MAX_PROMPT_CHARS, "prompt is longer than " + MAX_PROMPT_CHARS + " characters");
        require(negativePrompt == null || negativePrompt.length() <= MAX_PROMPT_CHARS,
                "negativePrompt is longer than " + MAX_PROMPT_CHARS + " characters");
        require(seed == null || (seed >= 0 && seed <= MAX_SEED), "seed must be in [0, " + MAX_SEED + "]");
        require(steps == null || (steps >= 1 && steps <= MAX_STEPS), "steps must be in [1, " + MAX_STEPS + "]");
        require(cfgScale == null || (Double.isFinite(cfgScale) && cfgScale >= 0 && cfgScale <= 50), "cfgScale must be in [0, 50]");
        require(sampler == null || NAME.matcher(sampler).matches(), "sampler must be a short name like dpmpp-3m-sde");
        require(model == null || NAME.matcher(model).matches(), "model must be a short name");
        require(preset == null || NAME.matcher(preset).matches(), "preset must be a short name");
        require(mode.needsInitAudio() == (initAudio != null),
                mode.needsInitAudio() ? "mode " + mode.wire() + " needs initAudio" : "initAudio is only for audio_to_audio, inpaint and continue");
        require(initNoiseLevel == null || (Double.isFinite(initNoiseLevel) && initNoiseLevel > 0 && initNoiseLevel <= 1000),
                "initNoiseLevel must be in (0, 1000]");
        inpaintRanges = inpaintRanges == null ? List.of() : List.copyOf(inpaintRanges);
        require(mode == Mode.INPAINT ? !inpaintRanges.isEmpty() : inpaintRanges.isEmpty(),
                mode == Mode.INPAINT ? "inpaint needs at least one inpaintRanges entry" : "inpaintRanges is only for inpaint");
        for (TimeRange r : inpaintRanges) {
            require(r.end() <= seconds, "inpaint range [" + r.start() + ", " + r.end() + ") ends after the clip (" + seconds + " s)");
        }
        require(bpm == null || (Double.isFinite(bpm) && bpm >= 30 && bpm <= 300), "bpm must be in [30, 300]");
        require(bars == null || (bars >= 1 && bars <= 64), "bars must be in [1, 64]");
        loras = loras == null ? List.of() : List.copyOf(loras);
        require(loras.size() <= LoraLibrary.MAX_PER_JOB, "loras: at most " + LoraLibrary.MAX_PER_JOB + " adapters per job");
        if (mode == Mode.LOOP) {
            require(bpm != null && bars != null, "a loop needs bpm and bars");
            require(Math.abs(seconds - loopSeconds(bpm, bars)) < 1e-6, "a loop's seconds must equal bars x 4 beats at bpm");
        }
    }

    /** Without a loudness target: the clip is peak-normalised only when it would clip (see WavWriter). */
    public GenerationRequest(Mode mode, String prompt, String negativePrompt, double seconds, Long seed, Integer steps,
                             Double cfgScale, String sampler, Path initAudio, Double initNoiseLevel, List<TimeRange> inpaintRanges,
                             Double bpm, Integer bars, String preset, Priority priority, String model, OutputFormat format) {
        this(mode, prompt, negativePrompt, seconds, seed, steps, cfgScale, sampler, initAudio, initNoiseLevel, inpaintRanges,
                bpm, bars, preset, priority, model, format, null, List.of());
    }

    /** Without LoRA adapters. */
    public GenerationRequest(Mode mode, String prompt, String negativePrompt, double seconds, Long seed, Integer steps,
                             Double cfgScale, String sampler, Path initAudio, Double initNoiseLevel, List<TimeRange> inpaintRanges,
                             Double bpm, Integer bars, String preset, Priority priority, String model, OutputFormat format,
                             LoudnessTarget loudness) {
        this(mode, prompt, negativePrompt, seconds, seed, steps, cfgScale, sampler, initAudio, initNoiseLevel, inpaintRanges,
                bpm, bars, preset, priority, model, format, loudness, List.of());
    }

    /** The length of {@code bars} bars of 4/4 at {@code bpm}. */
    public static double loopSeconds(double bpm, int bars) {
        return 60.0 / bpm * 4 * bars;
    }

    public GenerationRequest withSeed(long newSeed) {
        return new GenerationRequest(mode, prompt, negativePrompt, seconds, newSeed, steps, cfgScale, sampler, initAudio,
                initNoiseLevel, inpaintRanges, bpm, bars, preset, priority, model, format, loudness, loras);
    }

    /** The same request for a clip of another length. */
    public GenerationRequest withSeconds(double newSeconds) {
        return new GenerationRequest(mode, prompt, negativePrompt, newSeconds, seed, steps, cfgScale, sampler, initAudio,
                initNoiseLevel, inpaintRanges, bpm, bars, preset, priority, model, format, loudness, loras);
    }

    /** The same request with these LoRA adapters (resolved in another folder, or given on the command line). */
    public GenerationRequest withLoras(List<LoraChoice> adapters) {
        return new GenerationRequest(mode, prompt, negativePrompt, seconds, seed, steps, cfgScale, sampler, initAudio,
                initNoiseLevel, inpaintRanges, bpm, bars, preset, priority, model, format, loudness, adapters);
    }

    /** The same request reading its init audio from another file (a copy on a remote worker's machine). */
    public GenerationRequest withInitAudio(Path file) {
        return new GenerationRequest(mode, prompt, negativePrompt, seconds, seed, steps, cfgScale, sampler, file,
                initNoiseLevel, inpaintRanges, bpm, bars, preset, priority, model, format, loudness, loras);
    }

    private static void require(boolean ok, String message) {
        if (!ok) {
            throw new IllegalArgumentException(message);
        }
    }
}
