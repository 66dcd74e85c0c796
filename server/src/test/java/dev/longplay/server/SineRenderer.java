package dev.longplay.server;

import dev.longplay.server.jobs.CancellationCheck;
import dev.longplay.server.jobs.ClipRenderer;
import dev.longplay.server.jobs.GenerationRequest;
import dev.longplay.server.jobs.ServedModel;
import dev.longplay.server.jobs.ProgressListener;
import dev.longplay.server.jobs.RenderException;
import dev.longplay.server.clips.RenderedClip;
import dev.longplay.models.pipeline.Stage;

import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A deterministic stand-in for the model, for testing the server's engine (queue, workers, cancellation,
 * progress, clip writing) — not the model. It "samples" for {@code steps} steps, sleeping {@code stepMillis} each
 * and checking cancellation between steps like a real sampler, then returns a stereo sine whose pitch comes
 * from the seed. {@code amplitude} above 1 imitates the decoder's hot peaks.
 */
public final class SineRenderer implements ClipRenderer {

    public static final String MODEL = "test-sine";
    public static final int SAMPLE_RATE = 16_000;

    private final int defaultSteps;
    private final long stepMillis;
    private final float amplitude;
    private final AtomicInteger renders = new AtomicInteger();
    private volatile boolean loaded;

    public SineRenderer(int defaultSteps, long stepMillis, float amplitude) {
        this.defaultSteps = defaultSteps;
        this.stepMillis = stepMillis;
        this.amplitude = amplitude;
    }

    @Override
    public List<ServedModel> models() {
        return List.of(new ServedModel(MODEL, "seeded sine for tests", "sha256:test", "cpu", SAMPLE_RATE, 60, loaded));
    }

    @Override
    public void load(String modelId, ProgressListener progress) {
        if (!loaded) {
            progress.progress(Stage.LOADING_MODEL, 0, 1);
            loaded = true;
            progress.progress(Stage.LOADING_MODEL, 1, 1);
        }
    }

    @Override
    public RenderedClip render(GenerationRequest request, ProgressListener progress, CancellationCheck cancel) throws RenderException {
        if (request.prompt() != null && request.prompt().contains("explode")) {
            throw new RenderException(RenderException.Kind.BAD_ARGUMENT, "the test renderer refuses prompts with 'explode'");
        }
        int steps = request.steps() != null ? request.steps() : defaultSteps;
        for (int i = 0; i < steps; i++) {
            cancel.throwIfCancelled();
            progress.progress(Stage.SAMPLING, i, steps);
            try {
                Thread.sleep(stepMillis);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new RenderException(RenderException.Kind.CANCELLED, "interrupted");
            }
        }
        progress.progress(Stage.SAMPLING, steps, steps);
        int frames = (int) Math.round(request.seconds() * SAMPLE_RATE);
        double hz = frequency(request.seed());
        float[][] audio = new float[2][frames];
        for (int f = 0; f < frames; f++) {
            float v = (float) (amplitude * Math.sin(2 * Math.PI * hz * f / SAMPLE_RATE));
            audio[0][f] = v;
            audio[1][f] = -v;
        }
        renders.incrementAndGet();
        return new RenderedClip(audio, SAMPLE_RATE, request.seed(), Map.of("modelHash", "sha256:test", "sampleMs", steps * stepMillis));
    }

    /** The pitch a seed gives: 200..999 Hz. */
    public static double frequency(long seed) {
        return 200 + seed % 800;
    }

    public int renders() {
        return renders.get();
    }

    @Override
    public void close() {
    }
}
