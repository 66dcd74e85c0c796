package dev.longplay.server.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.longplay.models.metrics.PromptAudioScorer;
import dev.longplay.server.io.AtomicFiles;
import dev.longplay.server.io.Json;
import dev.longplay.server.audio.FlacWriter;
import dev.longplay.server.clips.ClipStore;
import dev.longplay.server.clips.WavWriter;
import dev.longplay.server.jobs.ClipMetadata;
import dev.longplay.server.jobs.LoudnessStep;
import dev.longplay.server.jobs.GenerationRequest;
import dev.longplay.server.jobs.LoraChoice;
import dev.longplay.server.jobs.Mode;
import dev.longplay.server.clips.OutputFormat;
import dev.longplay.server.jobs.Priority;
import dev.longplay.server.jobs.RenderException;
import dev.longplay.server.clips.RenderedClip;
import dev.longplay.models.pipeline.GenerationParams.TimeSpan;
import dev.longplay.server.render.ModelClipRenderer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * {@code longplay generate}: one or more clips to WAV files, each with a sidecar JSON holding everything
 * needed to make it again ({@code --from clip.json}).
 */
@Command(name = "generate", mixinStandardHelpOptions = true,
        description = "Generate audio from text, from audio (style transfer) or around audio (inpaint/continue).")
public final class GenerateCommand implements Callable<Integer> {

    @Option(names = "--model", paramLabel = "DIR|HF-ID",
            description = "model folder or Hugging Face id in the local cache (default: " + DefaultModel.ID
                    + ", the small model Longplay trained; longplay-tiny-random-v1 names the random architecture check)")
    String model;

    @Option(names = {"-p", "--prompt"}, description = "what to make")
    String prompt;

    @Option(names = {"-n", "--negative"}, description = "what to steer away from (e.g. \"Low quality.\")")
    String negative;

    @Option(names = {"-s", "--seconds"}, description = "length in seconds, up to 600; longer than the model's window is made window by window (with --continue: seconds to add; default 10, or the model's window if shorter)")
    Double seconds;

    @Option(names = "--seed", description = "random seed (default: random; recorded in the sidecar)")
    Long seed;

    @Option(names = "--steps", description = "sampler steps (default: the model's profile, e.g. 100)")
    Integer steps;

    @Option(names = "--cfg", description = "classifier-free guidance scale (default: the model's profile, e.g. 7)")
    Double cfg;

    @Option(names = "--sampler", description = "dpmpp-3m-sde, dpmpp-2m, k-euler (v models); pingpong, rf-euler"
            + " (rectified flow); euler = the Euler sampler of the model's kind")
    String sampler;

    @Option(names = "--init", paramLabel = "WAV", description = "audio to transform (style transfer), inpaint or continue")
    Path init;

    @Option(names = {"--init-noise-level", "--init-noise"}, paramLabel = "LEVEL",
            description = "how far from --init to start, in the model's units (sigma for v models, default 3; flow time "
                    + "up to 1 for rectified-flow models, default 0.8): lower keeps more (--init-noise: its old name)")
    Double initNoiseLevel;

    @Option(names = "--inpaint", paramLabel = "START:END", description = "seconds of --init to regenerate (repeatable)")
    List<String> inpaint = new ArrayList<>();

    @Option(names = "--continue", description = "extend --init by --seconds")
    boolean continuation;

    @Option(names = "--bpm", description = "tempo for a loop (with --bars)")
    Double bpm;

    @Option(names = "--bars", description = "loop length in 4/4 bars (with --bpm): exactly that long, loops without a click")
    Integer bars;

    @Option(names = "--count", description = "clips to make, with seeds seed, seed+1, ... (default 1)")
    int count = 1;

    @Option(names = "--keep", description = "with --count: all (default; ranked when --clap is given) or best (only the clip "
            + "with the highest CLAP score; needs --clap)")
    String keep = "all";

    @Option(names = "--clap", paramLabel = "DIR", description = "a CLAP model folder (Hugging Face layout): score each clip "
            + "against its prompt, rank them (see --keep)")
    Path clap;

    @Option(names = "--format", description = "16, 24 or 32f (float) WAV, or flac (24-bit FLAC; default 24)")
    String format = "24";

    @Option(names = {"-o", "--out"}, description = "output WAV, or FLAC when it ends in .flac (default: longplay.wav, "
            + "longplay.flac with --format flac)")
    Path out = Path.of("longplay.wav");

    @Option(names = "--from", paramLabel = "JSON", description = "regenerate from a clip's sidecar JSON (its settings and seed)")
    Path from;

    @picocli.CommandLine.Mixin
    ComputeOptions compute = new ComputeOptions();

    @Option(names = "--quiet", description = "no progress bar")
    boolean quiet;

    @Option(names = "--lora", paramLabel = "FILE[:STRENGTH]",
            description = "a LoRA adapter for Stable Audio 3 models (repeatable, stacked in order; strength default 1)")
    List<String> lora = new ArrayList<>();

    @Override
    public Integer call() throws Exception {
        if (!keep.equals("all") && !keep.equals("best")) {
            throw new IllegalArgumentException("--keep is all or best, not " + keep);
        }
        if (keep.equals("best") && clap == null) {
            throw new IllegalArgumentException("--keep best ranks by CLAP score: give --clap DIR (a CLAP model folder)");
        }
        if (count < 1 || count > 100) {
            throw new IllegalArgumentException("--count must be in [1, 100]");
        }
        if (format.equals("flac")) {
            if (out.equals(Path.of("longplay.wav"))) {
                out = Path.of("longplay.flac");
            } else if (!isFlac(out)) {
                throw new IllegalArgumentException("--format flac writes FLAC: give an --out name ending in .flac");
            }
        }
        GenerationRequest request = from != null ? fromSidecar(from) : request();
        if (!lora.isEmpty()) {
            request = request.withLoras(lora.stream().map(GenerateCommand::loraChoice).toList());
        }
        if (clap != null && (request.prompt() == null || request.prompt().isBlank())) {
            throw new IllegalArgumentException("--clap scores clips against their prompt: give --prompt");
        }
        PromptAudioScorer scorer = clap == null ? null : ClapScorers.load(clap);
        ModelClipRenderer renderer = ModelClipRenderer.forSpec(model != null ? model : DefaultModel.spec(),
                compute.target(), compute.lowMemory);
        try {
            ProgressBar bar = new ProgressBar(quiet);
            long loadStart = System.nanoTime();
            renderer.load(null, bar);
            long loadMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - loadStart);
            double window = renderer.models().get(0).maxSeconds();
            if (seconds == null && bpm == null && from == null && request.mode() == Mode.TEXT && request.seconds() > window) {
                request = request.withSeconds(window); // a short-window model (the trained default: 2 s) still answers
            }
            List<Candidate> made = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                GenerationRequest r = request.withSeed(request.seed() + i);
                long t0 = System.nanoTime();
                RenderedClip clip = renderer.render(r, bar, () -> false);
                bar.done();
                // the model loads once, before the first clip: that clip's metadata carries the load time
                // a sidecar's loudness target (a server clip replayed with --from) levels this clip the same way
                LoudnessStep levelled = LoudnessStep.apply(r, clip, ClipMetadata.forCommandLine(r, renderer.id(), clip,
                        i == 0 ? loadMs : 0, TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0)));
                clip = levelled.clip();
                ClipMetadata meta = levelled.meta();
                Double score = scorer == null ? null : scorer.score(r.prompt(), clip.audio(), clip.sampleRate());
                Candidate c = new Candidate(i, r, clip, meta, score, (System.nanoTime() - t0) / 1e9);
                if (scorer == null) {
                    writeClip(count == 1 ? out : numbered(out, i + 1), clip, meta, c.seconds());
                } else {
                    made.add(c);
                }
            }
            if (scorer != null) {
                keepRanked(made, scorer.name());
            }
            return 0;
        } catch (RenderException e) {
            System.err.println("longplay: " + e.getMessage());
            return 2;
        } finally {
            renderer.close();
            if (scorer != null) {
                scorer.close();
            }
        }
    }

    /** One rendered candidate of a batch. */
    private record Candidate(int index, GenerationRequest request, RenderedClip clip, ClipMetadata meta, Double score,
                             double seconds) {
    }

    /** Best CLAP score first: --keep best writes that one to --out, --keep all writes every one with its rank. */
    private void keepRanked(List<Candidate> made, String scorerName) throws IOException {
        List<Candidate> ranked = new ArrayList<>(made);
        ranked.sort(java.util.Comparator.comparingDouble((Candidate c) -> c.score()).reversed());
        for (int rank = 1; rank <= ranked.size(); rank++) {
            Candidate c = ranked.get(rank - 1);
            System.out.printf("rank %d: seed %d, CLAP score %.4f%n", rank, c.request().seed(), c.score());
        }
        for (int rank = 1; rank <= ranked.size(); rank++) {
            Candidate c = ranked.get(rank - 1);
            if (keep.equals("best") && rank > 1) {
                break;
            }
            Map<String, Object> scores = new LinkedHashMap<>();
            scores.put("clap", c.score());
            scores.put("clapModel", scorerName);
            scores.put("rank", rank);
            scores.put("candidates", ranked.size());
            Path target = keep.equals("best") || made.size() == 1 ? out : numbered(out, c.index() + 1);
            writeClip(target, c.clip(), c.meta().withScores(scores), c.seconds());
        }
    }

    // FILE or FILE:STRENGTH (the last colon, when a number follows it)
    static LoraChoice loraChoice(String arg) {
        int colon = arg.lastIndexOf(':');
        if (colon > 0) {
            try {
                return choice(Path.of(arg.substring(0, colon)), Double.parseDouble(arg.substring(colon + 1)));
            } catch (NumberFormatException e) {
                // a colon inside the path: no strength given
            }
        }
        return choice(Path.of(arg), 1.0);
    }

    private static LoraChoice choice(Path file, double strength) {
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException("--lora: no file " + file);
        }
        return new LoraChoice(file.getFileName().toString(), file.toAbsolutePath(), strength);
    }

    /** Resolved through links: the renderer opens init audio without following them (stored clips must not be links). */
    private static Path realPath(Path file) {
        try {
            return file.toRealPath();
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read " + file + ": " + e.getMessage());
        }
    }

    GenerationRequest request() {
        Mode mode;
        double secs = seconds != null ? seconds : 10.0;
        List<TimeSpan> ranges = new ArrayList<>();
        for (String r : inpaint) {
            String[] parts = r.split(":");
            if (parts.length != 2) {
                throw new IllegalArgumentException("--inpaint takes START:END in seconds, got " + r);
            }
            ranges.add(new TimeSpan(Double.parseDouble(parts[0]), Double.parseDouble(parts[1])));
        }
        if (bpm != null || bars != null) {
            if (bpm == null || bars == null) {
                throw new IllegalArgumentException("a loop needs both --bpm and --bars");
            }
            mode = Mode.LOOP;
            secs = GenerationRequest.loopSeconds(bpm, bars);
        } else if (continuation) {
            mode = Mode.CONTINUE;
        } else if (!ranges.isEmpty()) {
            mode = Mode.INPAINT;
        } else if (init != null) {
            mode = Mode.AUDIO_TO_AUDIO;
        } else {
            mode = Mode.TEXT;
        }
        if ((mode == Mode.CONTINUE || mode == Mode.INPAINT) && init == null) {
            throw new IllegalArgumentException("--continue and --inpaint need --init");
        }
        if (mode == Mode.INPAINT && seconds == null) {
            secs = wavSeconds(init);
        }
        long s = seed != null ? seed : ThreadLocalRandom.current().nextLong(GenerationRequest.MAX_SEED + 1);
        return GenerationRequest.builder().mode(mode).prompt(prompt).negativePrompt(negative).seconds(secs).seed(s)
                .steps(steps).cfgScale(cfg).sampler(sampler).initAudio(init == null ? null : realPath(init))
                .initNoiseLevel(initNoiseLevel).inpaintRanges(ranges).bpm(bpm).bars(bars).priority(Priority.BATCH)
                .format(outputFormat(format)).build();
    }

    private static double wavSeconds(Path wav) {
        try {
            var a = dev.longplay.server.audio.AudioFileReader.read(wav);
            return (double) a.frames() / a.sampleRate();
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read " + wav + ": " + e.getMessage());
        }
    }

    static OutputFormat outputFormat(String f) {
        return switch (f) {
            case "16" -> OutputFormat.WAV_PCM16;
            case "24" -> OutputFormat.WAV_PCM24;
            case "32f", "float", "32" -> OutputFormat.WAV_FLOAT32;
            case "flac" -> OutputFormat.WAV_PCM24; // the sample format; the file is FLAC because --out ends in .flac
            default -> throw new IllegalArgumentException("--format is 16, 24, 32f or flac, got " + f);
        };
    }

    private static GenerationRequest fromSidecar(Path sidecar) throws IOException {
        JsonNode meta = Json.MAPPER.readTree(Files.readString(sidecar));
        JsonNode settings = meta.get("settings");
        if (settings == null) {
            throw new IllegalArgumentException(sidecar + " has no \"settings\": not a Longplay clip sidecar");
        }
        return Json.MAPPER.treeToValue(settings, GenerationRequest.class);
    }

    private static Path numbered(Path p, int n) {
        String name = p.getFileName().toString();
        int dot = name.lastIndexOf('.');
        String stem = dot < 0 ? name : name.substring(0, dot);
        String ext = dot < 0 ? "" : name.substring(dot);
        return p.resolveSibling(stem + "-" + n + ext);
    }

    static boolean isFlac(Path p) {
        return p.getFileName().toString().toLowerCase(java.util.Locale.ROOT).endsWith(".flac");
    }

    /**
     * The WAV (or FLAC, where the name ends in .flac: 16-bit for --format 16, else 24-bit), then its sidecar: same
     * shape as the clip store's metadata, so both regenerate the same way.
     */
    static void writeClip(Path target, RenderedClip clip, ClipMetadata meta, double seconds) throws IOException {
        GenerationRequest r = meta.settings();
        Path dir = target.toAbsolutePath().getParent();
        if (dir != null) {
            Files.createDirectories(dir);
        }
        WavWriter.Result[] result = new WavWriter.Result[1];
        boolean flac = isFlac(target);
        int flacBits = r.format() == OutputFormat.WAV_PCM16 ? 16 : 24;
        if (flac) {
            AtomicFiles.write(target, false, o -> {
                FlacWriter.Result w = FlacWriter.write(o, clip.audio(), clip.sampleRate(), flacBits);
                result[0] = new WavWriter.Result(w.peak(), w.gain(), 0);
            });
        } else {
            AtomicFiles.write(target, false, o -> result[0] = WavWriter.write(o, clip.audio(), clip.sampleRate(), r.format()));
        }
        Map<String, Object> audio = ClipStore.audioSection(clip, r.format(), result[0]);
        if (flac) {
            audio.put("format", "flac" + flacBits);
        }
        Path json = sidecarOf(target);
        AtomicFiles.write(json, ClipStore.metadataJson(meta.toMap(), audio));
        System.out.printf("wrote %s (%.2f s, %d Hz, %d ch, seed %d) and %s in %.1f s%n", target,
                clip.frames() / (double) clip.sampleRate(), clip.sampleRate(), clip.channels(), clip.seed(),
                json.getFileName(), seconds);
        if (result[0].gain() != 1.0) {
            System.out.printf("  peak %.2f was normalised to -0.1 dBFS (gain %.3f)%n", result[0].peak(), result[0].gain());
        }
    }

    static Path sidecarOf(Path wav) {
        String name = wav.getFileName().toString();
        int dot = name.lastIndexOf('.');
        return wav.resolveSibling((dot < 0 ? name : name.substring(0, dot)) + ".json");
    }
}
