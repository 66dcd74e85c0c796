package dev.longplay.server.jobs;

import dev.longplay.server.clips.RenderedClip;
import dev.longplay.server.io.Json;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * What a clip's JSON says about how it was made, in one shape for the server's clip store ({@code <id>.json}) and
 * the CLI's sidecar ({@code clip.json} beside {@code clip.wav}), so both carry the same fields under the same names
 * and either one regenerates the clip ({@code generate --from}). {@link #toMap} is the one place those names are
 * written; the clip store adds the "audio" section (see {@code ClipStore.metadataJson}).
 *
 * <p>Invariants: {@code settings} is the resolved request with the seed used; {@code id} is null for a clip the CLI
 * made (it is no job); {@code loudnessTarget} and {@code scores} are null unless a loudness target was applied or the
 * clip was scored, and only then written.
 *
 * @param id             the job's id, which is also the clip's id in the store
 * @param model          the id of the model that rendered it
 * @param modelHash      content hash of the model's weights (from the renderer)
 * @param renderer       the renderer's own facts (timings of its stages, windows, ...)
 * @param attempts       how many times the job was started (a crash or a lost worker makes a retry)
 * @param loudnessTarget the target and the gain applied to meet it
 * @param scores         how well the clip matches its prompt (CLAP), and its rank among candidates where ranked
 */
public record ClipMetadata(String id, Instant createdAt, GenerationRequest settings, long seed, String model,
                           String modelHash, Timings timings, Map<String, Object> renderer, int attempts,
                           Map<String, Object> loudnessTarget, Map<String, Object> scores) {

    /** Milliseconds spent waiting in the queue, loading the model and rendering. */
    public record Timings(long queuedMs, long loadMs, long renderMs) {
    }

    public ClipMetadata {
        Objects.requireNonNull(createdAt, "createdAt");
        Objects.requireNonNull(settings, "settings");
        Objects.requireNonNull(timings, "timings");
        renderer = renderer == null ? Map.of() : renderer;
    }

    /** A job's clip, made by the server (or a worker) now. */
    public static ClipMetadata forJob(JobRecord job, String model, RenderedClip clip, Timings timings) {
        return new ClipMetadata(job.id(), Instant.now(), job.request(), clip.seed(), model, modelHash(clip), timings,
                clip.metadata(), job.attempts(), null, null);
    }

    /** A clip the CLI made now from {@code request}: no job, one attempt, not queued. */
    public static ClipMetadata forCommandLine(GenerationRequest request, String model, RenderedClip clip, long loadMs,
                                              long renderMs) {
        return new ClipMetadata(null, Instant.now(), request, clip.seed(), model, modelHash(clip),
                new Timings(0, loadMs, renderMs), clip.metadata(), 1, null, null);
    }

    public ClipMetadata withLoudnessTarget(Map<String, Object> target) {
        return new ClipMetadata(id, createdAt, settings, seed, model, modelHash, timings, renderer, attempts, target, scores);
    }

    public ClipMetadata withScores(Map<String, Object> clipScores) {
        return new ClipMetadata(id, createdAt, settings, seed, model, modelHash, timings, renderer, attempts,
                loudnessTarget, clipScores);
    }

    private static String modelHash(RenderedClip clip) {
        Object hash = clip.metadata().get("modelHash");
        return hash == null ? null : hash.toString();
    }

    /**
     * The JSON fields, in their order: id, jobId (the same id, under the name older readers use), createdAt, mode,
     * prompt, negativePrompt, preset, seed, model, modelHash, settings, timings, renderer, attempts, then
     * loudnessTarget and scores where present.
     */
    public Map<String, Object> toMap() {
        Map<String, Object> meta = new LinkedHashMap<>();
        meta.put("id", id);
        meta.put("jobId", id);
        meta.put("createdAt", createdAt.toString());
        meta.put("mode", settings.mode().wire());
        meta.put("prompt", settings.prompt());
        meta.put("negativePrompt", settings.negativePrompt());
        meta.put("preset", settings.preset());
        meta.put("seed", seed);
        meta.put("model", model);
        meta.put("modelHash", modelHash);
        meta.put("settings", Json.MAPPER.convertValue(settings, Map.class));
        Map<String, Object> t = new LinkedHashMap<>();
        t.put("queuedMs", timings.queuedMs());
        t.put("loadMs", timings.loadMs());
        t.put("renderMs", timings.renderMs());
        meta.put("timings", t);
        meta.put("renderer", renderer);
        meta.put("attempts", attempts);
        if (loudnessTarget != null) {
            meta.put("loudnessTarget", loudnessTarget);
        }
        if (scores != null) {
            meta.put("scores", scores);
        }
        return meta;
    }
}
