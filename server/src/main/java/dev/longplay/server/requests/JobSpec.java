package dev.longplay.server.requests;

import dev.longplay.server.jobs.GenerationRequest;
import dev.longplay.server.jobs.Priority;
import dev.longplay.models.pipeline.GenerationParams.TimeSpan;
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
 * @param initNoiseLevel how far from {@code initAudio} the sampler starts, in the model's units; this setting's one
 *                  name on every channel (older names: see {@link InitNoiseLevelAliases})
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
        List<TimeSpan> inpaintRanges,
        Double bpm,
        Integer bars,
        Priority priority,
        String model,
        OutputFormat format,
        List<Lora> loras) {

    /** One adapter: a file name in the LoRA folder (".safetensors" may be left off) and a strength (default 1). */
    public record Lora(String name, Double strength) {
    }

    /** Exactly one of {@code clip} (a stored clip's id) and {@code upload} (an id from {@code POST /v1/uploads}). */
    public record AudioRef(String clip, String upload) {
    }

    /** An empty builder: every setting unset (null), as a client leaves out what it wants the default of. */
    public static Builder builder() {
        return new Builder();
    }

    /** A builder holding this spec, to change a few of its settings. */
    public Builder toBuilder() {
        return new Builder().mode(mode).preset(preset).prompt(prompt).negativePrompt(negativePrompt).seconds(seconds)
                .seed(seed).steps(steps).cfgScale(cfgScale).sampler(sampler).initAudio(initAudio)
                .initNoiseLevel(initNoiseLevel).inpaintRanges(inpaintRanges).bpm(bpm).bars(bars).priority(priority)
                .model(model).format(format).loras(loras);
    }

    /** Builds a {@link JobSpec} by name; {@link JobSpecResolver} checks it. */
    public static final class Builder {
        private String mode;
        private String preset;
        private String prompt;
        private String negativePrompt;
        private Double seconds;
        private Long seed;
        private Integer steps;
        private Double cfgScale;
        private String sampler;
        private AudioRef initAudio;
        private Double initNoiseLevel;
        private List<TimeSpan> inpaintRanges;
        private Double bpm;
        private Integer bars;
        private Priority priority;
        private String model;
        private OutputFormat format;
        private List<Lora> loras;

        private Builder() {
        }

        public Builder mode(String v) {
            mode = v;
            return this;
        }

        public Builder preset(String v) {
            preset = v;
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

        public Builder seconds(Double v) {
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

        public Builder initAudio(AudioRef v) {
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

        public Builder loras(List<Lora> v) {
            loras = v;
            return this;
        }

        public JobSpec build() {
            return new JobSpec(mode, preset, prompt, negativePrompt, seconds, seed, steps, cfgScale, sampler,
                    initAudio, initNoiseLevel, inpaintRanges, bpm, bars, priority, model, format, loras);
        }
    }
}
