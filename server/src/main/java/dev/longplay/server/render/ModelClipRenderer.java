package dev.longplay.server.render;

import ai.djl.engine.EngineException;
import dev.longplay.models.AudioGenerators;
import dev.longplay.models.nn.ComputeTarget;
import dev.longplay.models.diffusion.SamplingCancelledException;
import dev.longplay.models.pipeline.AudioGenerator;
import dev.longplay.models.pipeline.EmbeddedModel;
import dev.longplay.models.pipeline.GeneratedAudio;
import dev.longplay.models.pipeline.GenerationListener;
import dev.longplay.models.pipeline.GenerationParams;
import dev.longplay.models.pipeline.Stage;
import dev.longplay.models.pipeline.LongFormGenerator;
import dev.longplay.models.pipeline.LoraSpec;
import dev.longplay.models.pipeline.TrainedModel;
import dev.longplay.models.pipeline.WindowPlan;
import dev.longplay.models.weights.CheckpointException;
import dev.longplay.models.weights.ModelFiles;
import dev.longplay.models.weights.ModelLocator;
import dev.longplay.server.io.DataDirs;
import dev.longplay.server.audio.AudioFileReader;
import dev.longplay.server.audio.DecodedAudio;
import dev.longplay.server.jobs.CancellationCheck;
import dev.longplay.server.jobs.ClipRenderer;
import dev.longplay.server.jobs.GenerationRequest;
import dev.longplay.server.jobs.LoraChoice;
import dev.longplay.server.jobs.ServedModel;
import dev.longplay.server.jobs.ProgressListener;
import dev.longplay.server.jobs.RenderException;
import dev.longplay.server.clips.RenderedClip;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.Lock;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * The job engine's renderer backed by the model runtime: one Stable Audio pipeline (a real checkpoint, the default
 * model Longplay trained, or the embedded tiny model), loaded once and kept. Translates a {@link GenerationRequest}
 * into pipeline parameters: continuation keeps the given audio and extends it; inpainting keeps everything outside the
 * ranges. A clip longer than the model's window is made window by window ({@link LongFormGenerator}).
 */
public final class ModelClipRenderer implements ClipRenderer {

    private final String modelSpec;
    private final Path cacheDir;
    private final ComputeTarget target;
    private final boolean lowMemory;
    private volatile LongFormGenerator pipeline;
    // LoRA adapters merged into the pipeline: renders share them (read lock); changing them waits for those renders.
    private final ReentrantReadWriteLock loraLock = new ReentrantReadWriteLock();
    private List<LoraChoice> merged = List.of();

    /**
     * modelSpec: a folder or Hugging Face id, {@link TrainedModel#ID} for the default model (unpacked under cacheDir),
     * or null (or the embedded model's id, so a command line can name it) for the embedded model (made under cacheDir).
     */
    public ModelClipRenderer(String modelSpec, Path cacheDir) {
        this(modelSpec, cacheDir, ComputeTarget.CPU, false);
    }

    /**
     * As {@link #ModelClipRenderer(String, Path)}, the model loaded onto {@code target}; with {@code lowMemory}
     * its text encoder is let go between requests.
     */
    public ModelClipRenderer(String modelSpec, Path cacheDir, ComputeTarget target, boolean lowMemory) {
        this.modelSpec = EmbeddedModel.ID.equals(modelSpec) ? null : modelSpec;
        this.cacheDir = cacheDir;
        this.target = target;
        this.lowMemory = lowMemory;
    }

    public static ModelClipRenderer forSpec(String modelSpec, ComputeTarget target, boolean lowMemory) {
        return new ModelClipRenderer(modelSpec, DataDirs.cache().resolve("models"), target, lowMemory);
    }

    public String id() {
        return modelSpec == null ? EmbeddedModel.ID : modelSpec;
    }

    @Override
    public List<ServedModel> models() {
        AudioGenerator p = pipeline;
        String description = modelSpec == null
                ? "embedded tiny random-weight model (architecture check; makes noise-like sound, not music)"
                : TrainedModel.ID.equals(modelSpec)
                ? "Longplay's own small model, 8 kHz stereo (drum loops, bass lines, pads, plucks, risers, sweeps, hits)"
                : "Stable Audio model " + modelSpec;
        description += " (" + target.precisionName() + ")";
        if (p == null) {
            return List.of(new ServedModel(id(), description, null, target.deviceName(), 0, 0, false));
        }
        return List.of(new ServedModel(id(), description, p.fingerprint(), target.deviceName(), p.sampleRate(),
                p.maxSeconds(), true));
    }

    @Override
    public synchronized void load(String modelId, ProgressListener progress) throws RenderException {
        if (modelId != null && !modelId.equals(id())) {
            throw new RenderException(RenderException.Kind.MODEL_UNAVAILABLE,
                    "model '" + modelId + "' is not served here (this server runs '" + id() + "')");
        }
        if (pipeline != null) {
            return;
        }
        progress.progress(Stage.LOADING_MODEL, 0, 1);
        try {
            ModelFiles files = modelSpec == null ? EmbeddedModel.ensure(cacheDir)
                    : TrainedModel.ID.equals(modelSpec) ? TrainedModel.ensure(cacheDir)
                    : ModelLocator.fromEnvironment().locate(modelSpec);
            AudioGenerator loaded = AudioGenerators.load(files, id(), target);
            loaded.setLowMemory(lowMemory);
            pipeline = new LongFormGenerator(loaded);
        } catch (CheckpointException | IllegalArgumentException e) {
            throw new RenderException(RenderException.Kind.MODEL_UNAVAILABLE, e.getMessage(), e);
        } catch (OutOfMemoryError e) {
            throw new RenderException(RenderException.Kind.OUT_OF_MEMORY, "out of memory loading " + id(), e);
        }
        progress.progress(Stage.LOADING_MODEL, 1, 1);
    }

    /**
     * Makes the pipeline's merged adapters the request's (re-merging only when they differ from the last job's) and
     * returns the held read lock that keeps them so until the render ends.
     */
    private Lock useLoras(AudioGenerator p, List<LoraChoice> wanted) throws RenderException {
        if (!wanted.isEmpty() && !p.supportsLoras()) {
            throw new RenderException(RenderException.Kind.BAD_ARGUMENT,
                    "LoRA adapters work with Stable Audio 3 models only (this server runs " + id() + ")");
        }
        Lock read = loraLock.readLock();
        read.lock();
        if (merged.equals(wanted)) {
            return read;
        }
        read.unlock();
        loraLock.writeLock().lock();
        try {
            if (!merged.equals(wanted)) {
                p.setLoras(wanted.stream().map(l -> new LoraSpec(l.file(), l.strength())).toList());
                merged = wanted;
            }
            read.lock(); // downgrade: this render keeps what it merged
            return read;
        } catch (CheckpointException | IllegalArgumentException e) {
            throw new RenderException(RenderException.Kind.BAD_ARGUMENT, e.getMessage(), e);
        } finally {
            loraLock.writeLock().unlock();
        }
    }

    /** The loaded pipeline, windowing requests longer than the model's window (loading it first if needed). */
    public LongFormGenerator pipeline() throws RenderException {
        load(null, (s, a, b) -> { });
        return pipeline;
    }

    @Override
    public RenderedClip render(GenerationRequest r, ProgressListener progress, CancellationCheck cancel)
            throws RenderException {
        LongFormGenerator p = pipeline();
        GenerationParams params = toParams(r);
        GenerationListener listener = new GenerationListener() {
            @Override
            public void onProgress(Stage stage, int step, int total) {
                progress.progress(stage, step, total);
            }

            @Override
            public boolean isCancelled() {
                return cancel.cancelled();
            }
        };
        GeneratedAudio audio;
        WindowPlan plan;
        Lock adapters = useLoras(p, r.loras());
        try {
            plan = p.plan(params);
            audio = p.generate(params, listener);
        } catch (SamplingCancelledException e) {
            throw new RenderException(RenderException.Kind.CANCELLED, "cancelled", e);
        } catch (IllegalArgumentException e) {
            throw new RenderException(RenderException.Kind.BAD_ARGUMENT, e.getMessage(), e);
        } catch (OutOfMemoryError e) {
            throw new RenderException(RenderException.Kind.OUT_OF_MEMORY, "out of memory: try a shorter clip", e);
        } catch (EngineException e) {
            boolean oom = String.valueOf(e.getMessage()).toLowerCase().contains("alloc");
            throw new RenderException(oom ? RenderException.Kind.OUT_OF_MEMORY : RenderException.Kind.FAILED,
                    e.getMessage(), e);
        } finally {
            adapters.unlock();
        }
        Map<String, Object> meta = new LinkedHashMap<>();
        meta.put("model", id());
        meta.put("modelHash", p.fingerprint());
        if (!r.loras().isEmpty()) {
            meta.put("loras", r.loras().stream().map(l -> Map.of("name", l.name(), "strength", l.strength())).toList());
        }
        if (plan.count() > 1) {
            WindowPlan.Window second = plan.windows().get(1);
            meta.put("longForm", Map.of("windows", plan.count(),
                    "windowSeconds", (double) plan.windows().get(0).frames() / p.sampleRate(),
                    "overlapSeconds", (double) second.keep() / p.sampleRate(),
                    "joinsSeconds", plan.joins().stream().map(j -> (double) j / p.sampleRate()).toList()));
        }
        Map<String, Object> timings = new LinkedHashMap<>();
        audio.timingsSeconds().forEach((k, v) -> timings.put(k + "Ms", Math.round(v * 1000)));
        meta.put("timings", timings);
        return new RenderedClip(audio.samples(), audio.sampleRate(), audio.seed(), meta);
    }

    /** The pipeline's view of a request. */
    public static GenerationParams toParams(GenerationRequest r) throws RenderException {
        GenerationParams.InitAudio init = null;
        double seconds = r.seconds();
        List<GenerationParams.TimeSpan> keep = new ArrayList<>();
        if (r.initAudio() != null) {
            DecodedAudio wav;
            try {
                // A stored clip or upload, opened as a regular file only (a link in its place is refused).
                wav = AudioFileReader.decode(dev.longplay.server.security.NoFollowFiles.readAll(r.initAudio(), AudioFileReader.MAX_FILE_BYTES),
                        r.initAudio().getFileName().toString());
            } catch (IOException e) {
                throw new RenderException(RenderException.Kind.BAD_ARGUMENT, "cannot read init audio: " + e.getMessage(), e);
            }
            init = new GenerationParams.InitAudio(wav.samples(), wav.sampleRate());
            double given = (double) wav.frames() / wav.sampleRate();
            switch (r.mode()) {
                case CONTINUE -> {
                    seconds = given + r.seconds();
                    keep.add(new GenerationParams.TimeSpan(0, given));
                }
                case INPAINT -> keep.addAll(complement(r.inpaintRanges(), Math.min(given, seconds)));
                default -> { }
            }
        }
        GenerationParams.Loop loop = r.bpm() != null && r.bars() != null
                ? new GenerationParams.Loop(r.bpm(), r.bars(), 4) : null;
        try {
            return GenerationParams.builder().prompt(r.prompt()).negativePrompt(r.negativePrompt()).seconds(seconds)
                    .seed(r.seed()).steps(r.steps()).cfgScale(r.cfgScale()).sampler(r.sampler()).init(init)
                    .initNoiseLevel(r.initNoiseLevel()).keep(keep).loop(loop).build();
        } catch (IllegalArgumentException e) {
            throw new RenderException(RenderException.Kind.BAD_ARGUMENT, e.getMessage(), e);
        }
    }

    // the parts of [0, length) outside the ranges
    private static List<GenerationParams.TimeSpan> complement(List<GenerationParams.TimeSpan> ranges, double length) {
        List<GenerationParams.TimeSpan> sorted = new ArrayList<>(ranges);
        sorted.sort((a, b) -> Double.compare(a.start(), b.start()));
        List<GenerationParams.TimeSpan> out = new ArrayList<>();
        double at = 0;
        for (GenerationParams.TimeSpan r : sorted) {
            double end = Math.min(r.start(), length);
            if (end > at) {
                out.add(new GenerationParams.TimeSpan(at, end));
            }
            at = Math.max(at, r.end());
        }
        if (at < length) {
            out.add(new GenerationParams.TimeSpan(at, length));
        }
        return out;
    }

    @Override
    public void close() {
        AudioGenerator p = pipeline;
        if (p != null) {
            p.close();
        }
    }
}
