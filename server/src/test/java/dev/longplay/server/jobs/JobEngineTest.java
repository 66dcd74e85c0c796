package dev.longplay.server.jobs;

import dev.longplay.server.clips.RenderedClip;
import dev.longplay.server.clips.OutputFormat;
import dev.longplay.server.clips.ClipStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The job engine with a scripted renderer (tests the engine, not a model). */
class JobEngineTest {

    /** Renders silence; the first render waits for {@code gate}; records the prompts in render order. */
    static final class GatedRenderer implements ClipRenderer {
        final CountDownLatch started = new CountDownLatch(1);
        final CountDownLatch gate = new CountDownLatch(1);
        final List<String> order = new CopyOnWriteArrayList<>();

        @Override
        public List<ServedModel> models() {
            return List.of(new ServedModel("m", "test", "h", "cpu", 16000, 10, true));
        }

        @Override
        public void load(String modelId, ProgressListener progress) {
        }

        @Override
        public RenderedClip render(GenerationRequest r, ProgressListener progress, CancellationCheck cancel) throws RenderException {
            order.add(r.prompt());
            started.countDown();
            try {
                while (!gate.await(5, TimeUnit.MILLISECONDS)) {
                    cancel.throwIfCancelled();
                }
            } catch (InterruptedException e) {
                throw new RenderException(RenderException.Kind.CANCELLED, "interrupted");
            }
            return new RenderedClip(new float[][]{new float[160]}, 16000, r.seed(), Map.of("modelHash", "h"));
        }

        @Override
        public void close() {
        }
    }

    static GenerationRequest text(String prompt, Priority p) {
        return GenerationRequest.builder().mode(Mode.TEXT).prompt(prompt).seconds(0.01).priority(p)
                .format(OutputFormat.WAV_PCM16).build();
    }

    @Test
    void liveJobsRunBeforeBatchJobsAndTheQueueIsBounded(@TempDir Path dir) throws Exception {
        GatedRenderer renderer = new GatedRenderer();
        try (JobStore store = JobStore.open(dir.resolve("jobs.db"))) {
            JobEngine engine = new JobEngine(store, ClipStore.open(dir.resolve("clips"), 1 << 20), renderer,
                    new JobEngine.Config(1, 3, false, 3, Duration.ofSeconds(5)));
            engine.start();
            engine.submit(text("first", Priority.BATCH), "t");
            assertTrue(renderer.started.await(5, TimeUnit.SECONDS));
            engine.submit(text("batch-1", Priority.BATCH), "t");
            engine.submit(text("batch-2", Priority.BATCH), "t");
            JobRecord live = engine.submit(text("live", Priority.LIVE), "t");
            JobRejectedException full = assertThrows(JobRejectedException.class, () -> engine.submit(text("more", Priority.LIVE), "t"));
            assertEquals(JobRejectedException.Reason.QUEUE_FULL, full.reason());
            assertNotNull(live.request().seed(), "the engine records a seed at submission");
            renderer.gate.countDown();
            long deadline = System.nanoTime() + 5_000_000_000L;
            while (engine.stats().queued() + engine.stats().running() > 0) {
                assertTrue(System.nanoTime() < deadline);
                Thread.sleep(5);
            }
            engine.close();
            assertEquals(List.of("first", "live", "batch-1", "batch-2"), renderer.order);
        }
    }

    @Test
    void cancellingQueuedAndRunningJobsAndEventsEndWithTheOutcome(@TempDir Path dir) throws Exception {
        GatedRenderer renderer = new GatedRenderer();
        try (JobStore store = JobStore.open(dir.resolve("jobs.db"))) {
            JobEngine engine = new JobEngine(store, ClipStore.open(dir.resolve("clips"), 1 << 20), renderer,
                    new JobEngine.Config(1, 8, false, 3, Duration.ofSeconds(5)));
            engine.start();
            JobRecord running = engine.submit(text("running", Priority.LIVE), "t");
            JobRecord waiting = engine.submit(text("waiting", Priority.LIVE), "t");
            assertTrue(renderer.started.await(5, TimeUnit.SECONDS));
            List<JobEvent> events = new CopyOnWriteArrayList<>();
            CountDownLatch ended = new CountDownLatch(1);
            engine.subscribe(running.id(), e -> {
                events.add(e);
                if (e.terminal()) {
                    ended.countDown();
                }
            }).orElseThrow();
            assertEquals(JobState.CANCELLED, engine.cancel(waiting.id()).orElseThrow().record().state());
            assertEquals(JobState.RUNNING, engine.cancel(running.id()).orElseThrow().record().state());
            assertTrue(ended.await(5, TimeUnit.SECONDS));
            assertEquals(JobEvent.Type.CANCELLED, events.get(events.size() - 1).type());
            assertEquals(JobState.CANCELLED, store.get(running.id()).orElseThrow().state());
            assertEquals(List.of("running"), renderer.order, "the cancelled queued job never ran");
            engine.close();
        }
    }

    @Test
    void gracefulShutdownPutsARunningJobBackInTheQueue(@TempDir Path dir) throws Exception {
        GatedRenderer renderer = new GatedRenderer();
        try (JobStore store = JobStore.open(dir.resolve("jobs.db"))) {
            JobEngine engine = new JobEngine(store, ClipStore.open(dir.resolve("clips"), 1 << 20), renderer,
                    new JobEngine.Config(1, 8, false, 3, Duration.ofMillis(50)));
            engine.start();
            JobRecord job = engine.submit(text("long", Priority.LIVE), "t");
            assertTrue(renderer.started.await(5, TimeUnit.SECONDS));
            engine.close();
            JobRecord after = store.get(job.id()).orElseThrow();
            assertEquals(JobState.QUEUED, after.state());
            assertEquals(0, after.attempts(), "a shutdown is not a failed attempt");
        }
    }

    @Test
    void recoveryRequeuesInterruptedJobsAndGivesUpAfterMaxAttempts(@TempDir Path dir) throws Exception {
        ClipStore clips = ClipStore.open(dir.resolve("clips"), 1 << 20);
        try (JobStore store = JobStore.open(dir.resolve("jobs.db"))) {
            Instant t = Instant.now();
            GenerationRequest r = text("x", Priority.BATCH).withSeed(1);
            store.insert(new JobRecord("again", 1, r, JobState.RUNNING, "t", t, t, null, 1, null, null, null));
            store.insert(new JobRecord("crashy", 2, r, JobState.RUNNING, "t", t, t, null, 3, null, null, null));
            store.insert(new JobRecord("written", 3, r, JobState.RUNNING, "t", t, t, null, 1, null, null, null));
            store.insert(new JobRecord("waiting", 4, r, JobState.QUEUED, "t", t, null, null, 0, null, null, null));
            clips.write("written", new RenderedClip(new float[][]{new float[16]}, 16000, 1, Map.of()), OutputFormat.WAV_PCM16, Map.of());
            GatedRenderer renderer = new GatedRenderer();
            renderer.gate.countDown();
            JobEngine engine = new JobEngine(store, clips, renderer, new JobEngine.Config(1, 8, false, 3, Duration.ofSeconds(5)));
            engine.start();
            assertEquals(JobState.FAILED, store.get("crashy").orElseThrow().state());
            assertEquals("interrupted", store.get("crashy").orElseThrow().errorCode());
            assertEquals(JobState.SUCCEEDED, store.get("written").orElseThrow().state());
            long deadline = System.nanoTime() + 5_000_000_000L;
            while (store.get("waiting").orElseThrow().state() != JobState.SUCCEEDED) {
                assertTrue(System.nanoTime() < deadline);
                Thread.sleep(10);
            }
            engine.close();
            JobRecord again = store.get("again").orElseThrow();
            assertEquals(JobState.SUCCEEDED, again.state());
            assertEquals(2, again.attempts());
            assertTrue(store.maxSeq() >= 4);
        }
    }
}
