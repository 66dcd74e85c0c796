package dev.longplay.server.jobs;

import dev.longplay.server.clips.OutputFormat;
import dev.longplay.models.metrics.LoudnessTarget;
import dev.longplay.models.pipeline.GenerationParams.TimeSpan;

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
 * @param initNoiseLevel how far from the init audio the sampler starts, in the model's units (sigma for v models, flow
 *                    time up to 1 for rectified-flow models); null = the model's default
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
        List<TimeSpan> inpaintRanges,
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
        for (TimeSpan r : inpaintRanges) {
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

    /** The length of {@code bars} bars of 4/4 at {@code bpm}. */
    public static double loopSeconds(double bpm, int bars) {
        return 60.0 / bpm * 4 * bars;
    }

    public GenerationRequest withSeed(long newSeed) {
        return toBuilder().seed(newSeed).build();
    }

    /** The same request for a clip of another length. */
    public GenerationRequest withSeconds(double newSeconds) {
        return toBuilder().seconds(newSeconds).build();
    }

    /** The same request with these LoRA adapters (resolved in another folder, or given on the command line). */
    public GenerationRequest withLoras(List<LoraChoice> adapters) {
        return toBuilder().loras(adapters).build();
    }

    /** The same request reading its init audio from another file (a copy on a remote worker's machine). */
    public GenerationRequest withInitAudio(Path file) {
        return toBuilder().initAudio(file).build();
    }

    /** An empty builder: every setting unset (null, or 0 seconds), as the constructor then checks. */
    public static Builder builder() {
        return new Builder();
    }

    /** A builder holding this request, to change a few of its settings. */
    public Builder toBuilder() {
        return new Builder().mode(mode).prompt(prompt).negativePrompt(negativePrompt).seconds(seconds).seed(seed)
                .steps(steps).cfgScale(cfgScale).sampler(sampler).initAudio(initAudio).initNoiseLevel(initNoiseLevel)
                .inpaintRanges(inpaintRanges).bpm(bpm).bars(bars).preset(preset).priority(priority).model(model)
                .format(format).loudness(loudness).loras(loras);
    }

    /** Builds a {@link GenerationRequest} by name; {@link #build} checks what the record's constructor checks. */
    public static final class Builder {
        private Mode mode;
        private String prompt;
        private String negativePrompt;
        private double seconds;
        private Long seed;
        private Integer steps;
        private Double cfgScale;
        private String sampler;
        private Path initAudio;
        private Double initNoiseLevel;
        private List<TimeSpan> inpaintRanges;
        private Double bpm;
        private Integer bars;
        private String preset;
        private Priority priority;
        private String model;
        private OutputFormat format;
        private LoudnessTarget loudness;
        private List<LoraChoice> loras;

        private Builder() {
        }

        public Builder mode(Mode v) {
            mode = v;
            return this;
        }

        public Builder prompt(String v) {
            prompt = v;
            return this;
        }

        public Builder negativePrompt(String v) {
            negativePrompt = v;
            return this;
        }

        public Builder seconds(double v) {
            seconds = v;
            return this;
        }

        public Builder seed(Long v) {
            seed = v;
            return this;
        }

        public Builder steps(Integer v) {
            steps = v;
            return this;
        }

        public Builder cfgScale(Double v) {
            cfgScale = v;
            return this;
        }

        public Builder sampler(String v) {
            sampler = v;
            return this;
        }

        public Builder initAudio(Path v) {
            initAudio = v;
            return this;
        }

        public Builder initNoiseLevel(Double v) {
            initNoiseLevel = v;
            return this;
        }

        public Builder inpaintRanges(List<TimeSpan> v) {
            inpaintRanges = v;
            return this;
        }

        public Builder bpm(Double v) {
            bpm = v;
            return this;
        }

        public Builder bars(Integer v) {
            bars = v;
            return this;
        }

        public Builder preset(String v) {
            preset = v;
            return this;
        }

        public Builder priority(Priority v) {
            priority = v;
            return this;
        }

        public Builder model(String v) {
            model = v;
            return this;
        }

        public Builder format(OutputFormat v) {
            format = v;
            return this;
        }

        public Builder loudness(LoudnessTarget v) {
            loudness = v;
            return this;
        }

        public Builder loras(List<LoraChoice> v) {
            loras = v;
            return this;
        }

        public GenerationRequest build() {
            return new GenerationRequest(mode, prompt, negativePrompt, seconds, seed, steps, cfgScale, sampler,
                    initAudio, initNoiseLevel, inpaintRanges, bpm, bars, preset, priority, model, format, loudness,
                    loras);
        }
    }

    private static void require(boolean ok, String message) {
        if (!ok) {
            throw new IllegalArgumentException(message);
        }
    }
}
