package dev.longplay.server.scaleout;

import com.fasterxml.jackson.databind.JsonNode;
import dev.longplay.models.pipeline.EmbeddedModel;
import dev.longplay.server.LongplayServer;
import dev.longplay.server.TestServer;
import dev.longplay.server.jobs.JobEngine;
import dev.longplay.server.jobs.JobEvent;
import dev.longplay.server.render.ModelClipRenderer;
import io.nats.client.Connection;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The broker restarts: jobs queued on JetStream before nats-server is killed (SIGKILL) are still there after it
 * comes back on the same store, a job submitted while it is down is queued once it is back, and a worker started
 * afterwards renders every one of them, each completed once.
 */
class NatsRestartTest {

    @TempDir
    Path root;

    @Test
    void queuedJobsSurviveABrokerRestart() throws Exception {
        Assumptions.assumeTrue(NatsServerHarness.executable() != null, "nats-server is not installed");
        List<JobEvent> events = new CopyOnWriteArrayList<>();
        try (NatsServerHarness nats = NatsServerHarness.start(root);
             TestServer s = new TestServer(LongplayServer.start(TestServer.config(root, 8, 64), clips -> NatsJobRunner.connect(
                     new NatsJobRunner.Config(nats.url(), "test-serve", EmbeddedModel.ID, Duration.ofSeconds(3), JetStreamLayout.defaults()), clips)))) {
            s.server.engine().addListener(events::add);
            List<String> ids = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                ids.add(submit(s, i, i == 1 ? "live" : "batch"));
            }
            try (Connection probe = JetStreamLayout.connect(nats.url(), "test-probe")) {
                awaitQueued(probe, 3);
            }
            nats.kill();
            ids.add(submit(s, 3, "batch")); // accepted by the server while the broker is away
            nats.restart();
            try (Connection probe = JetStreamLayout.connect(nats.url(), "test-probe")) {
                awaitQueued(probe, 4);
            }
            try (NatsWorker worker = new NatsWorker(new NatsWorker.Config(nats.url(), "after-restart", Duration.ofSeconds(2), 3,
                    root.resolve("work"), JetStreamLayout.defaults()), new ModelClipRenderer(null, root.resolve("models")))) {
                worker.start();
                for (String id : ids) {
                    assertEquals("succeeded", s.awaitJob(id, Duration.ofSeconds(60)).get("state").asText(), id);
                    assertEquals(1, events.stream().filter(e -> e.jobId().equals(id) && e.type() == JobEvent.Type.SUCCEEDED).count());
                    assertTrue(s.server.clips().contains(id));
                }
                assertEquals(4, worker.jobsDone(), "each job rendered once");
            }
        }
    }

    /**
     * The front server restarts while its jobs are on the broker: a job whose result came in while it was down is
     * collected from the results stream; a job still queued is not queued a second time; each renders once.
     */
    @Test
    void aServerRestartCollectsResultsAndDoesNotQueueTwice() throws Exception {
        Assumptions.assumeTrue(NatsServerHarness.executable() != null, "nats-server is not installed");
        try (NatsServerHarness nats = NatsServerHarness.start(root);
             Connection probe = JetStreamLayout.connect(nats.url(), "test-probe")) {
            String finishedWhileDown;
            try (TestServer s = server(nats)) {
                finishedWhileDown = submit(s, 1, "live");
                awaitQueued(probe, 1);
            }
            try (NatsWorker worker = worker(nats, "w1")) {
                worker.start();
                long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
                while (worker.jobsDone() < 1) {
                    assertTrue(System.nanoTime() < deadline, "the worker did not render the job");
                    Thread.sleep(20);
                }
            }
            String stillQueued;
            try (TestServer s = server(nats)) {
                JsonNode job = s.awaitJob(finishedWhileDown, Duration.ofSeconds(30));
                assertEquals("succeeded", job.get("state").asText(), job.toString());
                assertTrue(s.server.clips().contains(finishedWhileDown), "the clip was fetched after the restart");
                stillQueued = submit(s, 2, "live");
                awaitQueued(probe, 1);
            }
            try (TestServer s = server(nats); NatsWorker worker = worker(nats, "w2")) {
                Thread.sleep(500); // the restarted engine runs the job again: it must find it on the broker
                awaitQueued(probe, 1);
                worker.start();
                assertEquals("succeeded", s.awaitJob(stillQueued, Duration.ofSeconds(60)).get("state").asText());
                assertEquals(1, worker.jobsDone(), "rendered once");
                assertEquals(1, s.server.engine().status(stillQueued).orElseThrow().record().attempts(), "a shutdown is not an attempt");
            }
        }
    }

    private TestServer server(NatsServerHarness nats) throws Exception {
        LongplayServer.Config c = TestServer.config(root, 8, 64);
        // As serve --nats does: stop waiting for remote jobs at once on close; they stay on the broker.
        LongplayServer.Config quick = new LongplayServer.Config(c.bind(), c.port(), c.dataDir(), c.configDir(),
                new JobEngine.Config(8, 64, true, 3, Duration.ZERO), c.clipLimitBytes(), c.limits(), c.readsPerSecond(), c.writesPerSecond());
        return new TestServer(LongplayServer.start(quick, clips -> NatsJobRunner.connect(
                new NatsJobRunner.Config(nats.url(), "test-serve", EmbeddedModel.ID, Duration.ofSeconds(3), JetStreamLayout.defaults()), clips)));
    }

    private NatsWorker worker(NatsServerHarness nats, String name) throws Exception {
        return new NatsWorker(new NatsWorker.Config(nats.url(), name, Duration.ofSeconds(2), 3, root.resolve("work-" + name),
                JetStreamLayout.defaults()), new ModelClipRenderer(null, root.resolve("models")));
    }

    private static String submit(TestServer s, int seed, String priority) throws Exception {
        HttpResponse<String> r = s.postJob("{\"prompt\":\"restart " + seed + "\",\"seconds\":0.25,\"steps\":2,\"seed\":" + seed
                + ",\"priority\":\"" + priority + "\"}");
        assertEquals(202, r.statusCode(), r.body());
        return TestServer.json(r).get("id").asText();
    }

    private static void awaitQueued(Connection probe, long n) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        long have;
        while ((have = probe.jetStreamManagement().getStreamInfo(Subjects.JOBS_STREAM).getStreamState().getMsgCount()) != n) {
            assertTrue(System.nanoTime() < deadline, "jobs on the broker: " + have + ", expected " + n);
            Thread.sleep(50);
        }
    }
}
