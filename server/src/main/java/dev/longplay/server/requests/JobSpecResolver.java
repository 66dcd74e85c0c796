package dev.longplay.server.requests;

import dev.longplay.server.jobs.GenerationRequest;
import dev.longplay.server.jobs.LoraChoice;
import dev.longplay.server.jobs.LoraLibrary;
import dev.longplay.server.jobs.Mode;
import dev.longplay.server.jobs.Priority;
import dev.longplay.server.clips.OutputFormat;
import dev.longplay.server.clips.ClipStore;
import dev.longplay.server.clips.UploadStore;
import dev.longplay.server.security.NoFollowFiles;
import dev.longplay.server.presets.Preset;
import dev.longplay.server.presets.PresetCatalog;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Turns a client's {@link JobSpec} into a {@link GenerationRequest}: applies the preset (the spec's own values win),
 * fills the prompt template, derives a loop's length from bpm and bars, and resolves audio references to files
 * inside the server's folders. Every problem is an {@link IllegalArgumentException} whose message names the field.
 */
public final class JobSpecResolver {

    public static final double DEFAULT_SECONDS = 10.0;
    public static final Priority DEFAULT_PRIORITY = Priority.LIVE;
    public static final OutputFormat DEFAULT_FORMAT = OutputFormat.WAV_PCM24;

    private final PresetCatalog presets;
    private final ClipStore clips;
    private final UploadStore uploads;
    private final LoraLibrary loras;

    public JobSpecResolver(PresetCatalog presets, ClipStore clips, UploadStore uploads, LoraLibrary loras) {
        this.presets = presets;
        this.clips = clips;
        this.uploads = uploads;
        this.loras = loras;
    }

    /** The LoRA folder names resolve in. */
    public LoraLibrary loras() {
        return loras;
    }

    public GenerationRequest resolve(JobSpec s) {
        Preset p = null;
        if (s.preset() != null) {
            p = presets.get(s.preset()).orElseThrow(() -> new IllegalArgumentException("no preset named \"" + s.preset() + "\""));
        }
        Mode mode = mode(s.mode(), p);
        Double bpm = first(s.bpm(), p == null ? null : p.bpm());
        Integer bars = first(s.bars(), p == null ? null : p.bars());
        double seconds;
        if (mode == Mode.LOOP) {
            if (bpm == null || bars == null) {
                throw new IllegalArgumentException("a loop needs bpm and bars");
            }
            if (bpm < 30 || bpm > 300 || bars < 1 || bars > 64) {
                throw new IllegalArgumentException("bpm must be in [30, 300] and bars in [1, 64]");
            }
            if (s.seconds() != null) {
                throw new IllegalArgumentException("a loop's length comes from bpm and bars; leave seconds out");
            }
            seconds = GenerationRequest.loopSeconds(bpm, bars);
        } else {
            seconds = first(s.seconds(), p == null ? null : p.seconds(), DEFAULT_SECONDS);
        }
        String prompt = p == null ? s.prompt() : fill(p.prompt(), s.prompt(), bpm, bars);
        return GenerationRequest.builder().mode(mode).prompt(prompt)
                .negativePrompt(first(s.negativePrompt(), p == null ? null : p.negativePrompt())).seconds(seconds)
                .seed(s.seed()).steps(first(s.steps(), p == null ? null : p.steps()))
                .cfgScale(first(s.cfgScale(), p == null ? null : p.cfgScale()))
                .sampler(first(s.sampler(), p == null ? null : p.sampler())).initAudio(audio(s.initAudio()))
                .initNoiseLevel(s.initNoiseLevel()).inpaintRanges(s.inpaintRanges()).bpm(bpm).bars(bars)
                .preset(p == null ? null : p.name()).priority(first(s.priority(), DEFAULT_PRIORITY)).model(s.model())
                .format(first(s.format(), DEFAULT_FORMAT)).loudness(p == null ? null : p.loudness())
                .loras(loras(s.loras())).build();
    }

    private List<LoraChoice> loras(List<JobSpec.Lora> wanted) {
        if (wanted == null || wanted.isEmpty()) {
            return List.of();
        }
        List<LoraChoice> out = new ArrayList<>();
        for (JobSpec.Lora l : wanted) {
            if (l == null) {
                throw new IllegalArgumentException("loras: null entry");
            }
            out.add(loras.resolve(l.name(), l.strength() == null ? 1.0 : l.strength()));
        }
        return out;
    }

    private static Mode mode(String wire, Preset p) {
        if (wire == null || wire.equals("preset")) {
            if (p != null) {
                return p.mode();
            }
            if (wire != null) {
                throw new IllegalArgumentException("mode \"preset\" needs a preset name");
            }
            return Mode.TEXT;
        }
        return Arrays.stream(Mode.values()).filter(m -> m.wire().equals(wire)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("mode must be one of " + Arrays.stream(Mode.values()).map(Mode::wire).toList()
                        + " or preset, got \"" + wire + "\""));
    }

    /** Fills a preset's template; a template without {prompt} gets the user's words appended. */
    static String fill(String template, String userPrompt, Double bpm, Integer bars) {
        String user = userPrompt == null ? "" : userPrompt.trim();
        String text = template
                .replace("{bpm}", bpm == null ? "" : formatNumber(bpm))
                .replace("{bars}", bars == null ? "" : bars.toString());
        text = text.contains("{prompt}") ? text.replace("{prompt}", user) : user.isEmpty() ? text : text + ", " + user;
        // An empty placeholder leaves ", ," or a leading comma behind: tidy those.
        return text.replaceAll("\\s*,(\\s*,)+", ",").replaceAll("^[\\s,]+|[\\s,]+$", "").replaceAll("\\s{2,}", " ");
    }

    private static String formatNumber(double v) {
        return v == Math.rint(v) ? Long.toString((long) v) : String.format(Locale.ROOT, "%.1f", v);
    }

    private Path audio(JobSpec.AudioRef ref) {
        if (ref == null) {
            return null;
        }
        if ((ref.clip() == null) == (ref.upload() == null)) {
            throw new IllegalArgumentException("initAudio needs exactly one of clip and upload");
        }
        Path file = ref.clip() != null
                ? clips.get(ref.clip()).orElseThrow(() -> new IllegalArgumentException("initAudio: no clip " + ref.clip())).audio()
                : uploads.get(ref.upload()).orElseThrow(() -> new IllegalArgumentException("initAudio: no upload " + ref.upload()));
        try {
            NoFollowFiles.requireRegular(file); // the reader refuses links too; this says so before the job is queued
        } catch (java.io.IOException e) {
            throw new IllegalArgumentException("initAudio: " + (ref.clip() != null ? "clip " + ref.clip() : "upload " + ref.upload())
                    + " is not a plain file in the server's folder");
        }
        return file;
    }

    @SafeVarargs
    private static <T> T first(T... values) {
        for (T v : values) {
            if (v != null) {
                return v;
            }
        }
        return null;
    }
}
