package dev.longplay.server.jobs;

import dev.longplay.server.clips.RenderedClip;
import dev.longplay.models.pipeline.Stage;
import dev.longplay.models.metrics.PromptAudioScorer;
import dev.longplay.server.clips.ClipStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Runs jobs on this machine: loads the model, renders, and writes the clip and its metadata into the clip store. */
public final class LocalJobRunner implements JobRunner {

    private static final Logger LOG = LoggerFactory.getLogger(LocalJobRunner.class);

    private final ClipRenderer renderer;
    private final ClipStore clips;

    private final PromptAudioScorer scorer; // null: clips are not scored

    public LocalJobRunner(ClipRenderer renderer, ClipStore clips) {
        this(renderer, clips, null);
    }

    /** @param scorer scores every clip against its prompt (CLAP) into its metadata's "scores"; null for none */
    public LocalJobRunner(ClipRenderer renderer, ClipStore clips, PromptAudioScorer scorer) {
        this.renderer = renderer;
        this.clips = clips;
        this.scorer = scorer;
    }

    @Override
    public List<ServedModel> models() {
        return renderer.models();
    }

    @Override
    public void warmUp() {
        String model = renderer.models().get(0).id();
        try {
            renderer.load(model, (stage, step, total) -> { });
            LOG.info("model {} loaded", model);
        } catch (RenderException e) {
            LOG.error("model {} failed to load at start ({}); jobs will retry the load", model, e.getMessage());
        }
    }

    @Override
    public void run(JobRecord job, ProgressListener progress, CancellationCheck cancelled, CancellationCheck stopping)
            throws RenderException, IOException {
        GenerationRequest request = job.request();
        String model = request.model() != null ? request.model() : renderer.models().get(0).id();
        CancellationCheck stop = () -> cancelled.cancelled() || stopping.cancelled();
        long t0 = System.nanoTime();
        renderer.load(model, progress);
        long t1 = System.nanoTime();
        stop.throwIfCancelled();
        RenderedClip clip = renderer.render(request, progress, stop);
        long t2 = System.nanoTime();
        progress.progress(Stage.WRITING, 0, 1);
        ClipMetadata meta = ClipMetadata.forJob(job, model, clip, new ClipMetadata.Timings(
                Duration.between(job.createdAt(), job.startedAt()).toMillis(), TimeUnit.NANOSECONDS.toMillis(t1 - t0),
                TimeUnit.NANOSECONDS.toMillis(t2 - t1)));
        LoudnessStep levelled = LoudnessStep.apply(request, clip, meta);
        clip = levelled.clip();
        meta = levelled.meta();
        if (scorer != null && request.prompt() != null && !request.prompt().isBlank()) {
            meta = meta.withScores(score(request.prompt(), clip));
        }
        clips.write(job.id(), clip, request.format(), meta.toMap());
    }

    /** A scorer that fails leaves the clip unscored, not the job failed. */
    private Map<String, Object> score(String prompt, RenderedClip clip) {
        Map<String, Object> scores = new LinkedHashMap<>();
        try {
            double s;
            synchronized (scorer) { // one model, used by every worker thread
                s = scorer.score(prompt, clip.audio(), clip.sampleRate());
            }
            scores.put("clap", s);
            scores.put("clapModel", scorer.name());
        } catch (RuntimeException e) {
            LOG.warn("scoring with {} failed: {}", scorer.name(), e.toString());
        }
        return scores;
    }

    @Override
    public void close() {
        if (scorer != null) {
            scorer.close();
        }
        renderer.close();
    }
}
