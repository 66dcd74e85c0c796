package dev.longplay.server.scaleout;

import com.fasterxml.jackson.databind.JsonNode;
import dev.longplay.models.pipeline.EmbeddedModel;
import dev.longplay.server.io.Json;
import dev.longplay.server.LongplayServer;
import dev.longplay.server.TestServer;
import dev.longplay.server.jobs.JobEvent;
import dev.longplay.server.jobs.JobState;
import dev.longplay.models.pipeline.Stage;
import io.nats.client.Connection;
import io.nats.client.Dispatcher;
import io.nats.client.JetStreamManagement;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Worker death on a real {@code nats-server -js}: two {@code longplay worker} processes (tiny model) and one front
 * server. A worker killed with SIGKILL mid-job: the job finishes on the other worker, once. A worker frozen with
 * SIGSTOP (the broker gives up on it) and thawed after the job finished elsewhere: it stores its clip and reports
 * again, and the server neither completes the job twice nor changes the clip it served.
 */
class ScaleOutFailoverTest {

    private static final double ACK_WAIT = 3; // in-progress every second: room for a loaded CI machine

    @TempDir
    Path root;

    private final List<JobEvent> events = new CopyOnWriteArrayList<>();
    private final Map<String, String> takenBy = new ConcurrentHashMap<>();
    private final Map<String, Integer> stepsSeen = new ConcurrentHashMap<>();

    @Test
    void aKilledOrFrozenWorkersJobFinishesElsewhereExactlyOnce() throws Exception {
        Assumptions.assumeTrue(NatsServerHarness.executable() != null, "nats-server is not installed");
        WorkerProcesses.prepareCache(root);
        Map<String, Process> workers = new ConcurrentHashMap<>();
        try (NatsServerHarness nats = NatsServerHarness.start(root);
             Connection probe = JetStreamLayout.connect(nats.url(), "test-probe");
             TestServer s = new TestServer(LongplayServer.start(TestServer.config(root, 8, 64), clips -> NatsJobRunner.connect(
                     new NatsJobRunner.Config(nats.url(), "test-serve", EmbeddedModel.ID, Duration.ofSeconds(3), JetStreamLayout.defaults()), clips)))) {
            s.server.engine().addListener(events::add);
            Dispatcher d = probe.createDispatcher(m -> {
                try {
                    RemoteProgress p = Json.MAPPER.readValue(m.getData(), RemoteProgress.class);
                    if (p.stage() == null) {
                        takenBy.put(p.jobId(), p.worker());
                    } else if (p.stage() == Stage.SAMPLING) {
                        stepsSeen.merge(p.jobId() + "/" + p.worker(), 1, Integer::sum);
                    }
                } catch (Exception ignored) {
                    // not a progress message
                }
            });
            d.subscribe(Subjects.PROGRESS_ALL);
            for (String name : List.of("a", "b")) {
                workers.put(name, WorkerProcesses.spawn(root, nats.url(), name, ACK_WAIT));
            }
            for (String name : List.of("a", "b")) {
                WorkerProcesses.awaitReady(probe, name, workers.get(name), root);
            }

            // 1. kill -9 mid-job
            String first = submit(s, 1);
            String victim = awaitSampling(first);
            workers.get(victim).destroyForcibly().waitFor();
            JsonNode done = s.awaitJob(first, Duration.ofSeconds(90));
            assertEquals("succeeded", done.get("state").asText(), done.toString());
            RemoteResult r = lastResult(probe, first);
            assertNotEquals(victim, r.worker(), "the dead worker cannot have finished it");
            assertEquals(2, r.deliveries(), "the broker handed the job out a second time");
            assertEquals(1, resultCount(probe, first), "one result: the killed worker never reported");
            assertEquals(1, count(first, JobEvent.Type.SUCCEEDED));
            assertEquals(1, done.get("attempts").asInt(), "the server ran the job once");
            assertTrue(s.server.clips().contains(first));

            // 2. a worker the broker takes for dead comes back after its job finished elsewhere
            String third = "c";
            workers.put(third, WorkerProcesses.spawn(root, nats.url(), third, ACK_WAIT));
            WorkerProcesses.awaitReady(probe, third, workers.get(third), root);
            String second = submit(s, 2);
            String frozen = awaitSampling(second);
            WorkerProcesses.signal(workers.get(frozen), "STOP");
            JsonNode done2;
            try {
                done2 = s.awaitJob(second, Duration.ofSeconds(90));
            } finally {
                WorkerProcesses.signal(workers.get(frozen), "CONT");
            }
            assertEquals("succeeded", done2.get("state").asText(), done2.toString());
            byte[] served = s.http.send(s.request("/v1/clips/" + second).GET().build(), HttpResponse.BodyHandlers.ofByteArray()).body();
            // The thawed worker finishes its render, stores its clip and publishes a second result.
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (resultCount(probe, second) < 2) {
                assertTrue(System.nanoTime() < deadline, "the thawed worker never reported");
                Thread.sleep(50);
            }
            assertEquals(frozen, lastResult(probe, second).worker());
            assertEquals(JobState.SUCCEEDED, lastResult(probe, second).state());
            Thread.sleep(500); // time for a wrong second completion to show
            assertEquals(1, count(second, JobEvent.Type.SUCCEEDED), "no duplicate completion");
            assertEquals(1, s.server.engine().status(second).orElseThrow().record().attempts());
            assertArrayEquals(served, Files.readAllBytes(s.server.clips().get(second).orElseThrow().audio()), "the served clip did not change");
            assertEquals(2, s.server.clips().count(), "exactly one clip per job");
        } catch (AssertionError | RuntimeException e) {
            WorkerProcesses.printLogs(root); // the temp folder goes with the test
            throw e;
        } finally {
            for (Process p : workers.values()) {
                p.destroyForcibly().waitFor();
            }
        }
    }

    // Long enough (many steps of the tiny model) that the test can act while it samples.
    private static String submit(TestServer s, int seed) throws Exception {
        HttpResponse<String> r = s.postJob("{\"prompt\":\"failover\",\"seconds\":1,\"steps\":100,\"seed\":" + seed + "}");
        assertEquals(202, r.statusCode(), r.body());
        return TestServer.json(r).get("id").asText();
    }

    /** The worker that took the job, once it has sampled a few steps. */
    private String awaitSampling(String id) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (true) {
            String w = takenBy.get(id);
            if (w != null && stepsSeen.getOrDefault(id + "/" + w, 0) >= 3) {
                return w;
            }
            assertTrue(System.nanoTime() < deadline, "job " + id + " did not start sampling");
            Thread.sleep(10);
        }
    }

    private long count(String id, JobEvent.Type type) {
        return events.stream().filter(e -> e.jobId().equals(id) && e.type() == type).count();
    }

    private static RemoteResult lastResult(Connection nc, String id) throws Exception {
        return Json.MAPPER.readValue(nc.jetStreamManagement().getLastMessage(Subjects.RESULTS_STREAM, Subjects.result(id)).getData(),
                RemoteResult.class);
    }

    private static long resultCount(Connection nc, String id) throws Exception {
        JetStreamManagement jsm = nc.jetStreamManagement();
        var subjects = jsm.getStreamInfo(Subjects.RESULTS_STREAM,
                io.nats.client.api.StreamInfoOptions.filterSubjects(Subjects.result(id))).getStreamState().getSubjects();
        if (subjects == null) {
            return 0;
        }
        List<Long> counts = new ArrayList<>();
        subjects.forEach(sc -> counts.add(sc.getCount()));
        assertNotNull(counts);
        return counts.stream().mapToLong(Long::longValue).sum();
    }
}
