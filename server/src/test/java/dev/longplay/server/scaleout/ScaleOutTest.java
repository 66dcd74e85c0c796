package dev.longplay.server.scaleout;

import com.fasterxml.jackson.databind.JsonNode;
import dev.longplay.models.pipeline.EmbeddedModel;
import dev.longplay.server.io.Json;
import com.illposed.osc.OSCMessage;
import dev.longplay.server.LongplayServer;
import dev.longplay.server.OscTestClient;
import dev.longplay.server.SineRenderer;
import dev.longplay.server.TestServer;
import dev.longplay.server.audio.WavReader;
import dev.longplay.server.clips.ClipStore;
import dev.longplay.server.jobs.CancellationCheck;
import dev.longplay.server.jobs.ClipRenderer;
import dev.longplay.server.jobs.GenerationRequest;
import dev.longplay.server.jobs.JobEvent;
import dev.longplay.server.jobs.JobRecord;
import dev.longplay.server.jobs.LocalJobRunner;
import dev.longplay.server.jobs.ServedModel;
import dev.longplay.server.jobs.ProgressListener;
import dev.longplay.server.jobs.RenderException;
import dev.longplay.server.clips.RenderedClip;
import dev.longplay.models.pipeline.Stage;
import dev.longplay.server.render.ModelClipRenderer;
import io.nats.client.Connection;
import io.nats.client.api.MessageInfo;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Scale-out on a real {@code nats-server -js}: the front server (HTTP, unchanged API) hands jobs through JetStream
 * to model workers (here threads in the test JVM; {@link ScaleOutFailoverTest} kills worker processes). Workers: the
 * embedded tiny model, a seeded-sine model (fast, for routing, priorities and cancel) and a model that always fails
 * (for the dead-letter path).
 */
class ScaleOutTest {

    static final String BROKEN = "test-broken";

    @TempDir
    static Path root;
    static NatsServerHarness nats;
    static TestServer s;
    static Connection probe;
    static NatsWorker tiny;
    static NatsWorker sine;
    static NatsWorker broken;
    static final List<JobEvent> events = new CopyOnWriteArrayList<>();

    @BeforeAll
    static void start() throws Exception {
        Assumptions.assumeTrue(NatsServerHarness.executable() != null, "nats-server is not installed");
        nats = NatsServerHarness.start(root);
        s = new TestServer(LongplayServer.start(TestServer.config(root, 8, 64), clips -> NatsJobRunner.connect(
                new NatsJobRunner.Config(nats.url(), "test-serve", EmbeddedModel.ID, Duration.ofSeconds(3), JetStreamLayout.defaults()), clips)));
        s.server.engine().addListener(events::add);
        probe = JetStreamLayout.connect(nats.url(), "test-probe");
        tiny = worker("tiny", new ModelClipRenderer(null, root.resolve("models")), 3);
        sine = worker("sine", new SineRenderer(5, 20, 0.5f), 3);
        broken = worker("broken", new BrokenRenderer(), 2);
        awaitModel(SineRenderer.MODEL);
        awaitModel(BROKEN);
    }

    static NatsWorker worker(String name, ClipRenderer renderer, int maxDeliveries) throws Exception {
        NatsWorker w = new NatsWorker(new NatsWorker.Config(nats.url(), name, Duration.ofSeconds(2), maxDeliveries,
                root.resolve("work-" + name), JetStreamLayout.defaults()), renderer);
        w.start();
        return w;
    }

    static void awaitModel(String id) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (s.server.engine().models().stream().noneMatch(m -> m.id().equals(id))) {
            assertTrue(System.nanoTime() < deadline, "no worker announced " + id);
            Thread.sleep(50);
        }
    }

    @AfterAll
    static void stop() throws Exception {
        for (AutoCloseable c : new AutoCloseable[]{s, tiny, sine, broken, probe, nats}) {
            if (c != null) {
                c.close();
            }
        }
    }

    static String submit(String json) throws Exception {
        HttpResponse<String> r = s.postJob(json);
        assertEquals(202, r.statusCode(), r.body());
        return TestServer.json(r).get("id").asText();
    }

    static JsonNode await(String id) throws Exception {
        return s.awaitJob(id, Duration.ofSeconds(60));
    }

    static RemoteResult result(String id) throws Exception {
        MessageInfo mi = probe.jetStreamManagement().getLastMessage(Subjects.RESULTS_STREAM, Subjects.result(id));
        return Json.MAPPER.readValue(mi.getData(), RemoteResult.class);
    }

    static List<JobEvent> eventsOf(String id, JobEvent.Type type) {
        List<JobEvent> out = new ArrayList<>();
        for (JobEvent e : events) {
            if (e.jobId().equals(id) && e.type() == type) {
                out.add(e);
            }
        }
        return out;
    }

    @Test
    void aRemoteClipIsTheClipTheModelMakesInProcess() throws Exception {
        String id = submit("{\"prompt\":\"dark techno kick\",\"seconds\":0.75,\"steps\":3,\"seed\":7}");
        JsonNode job = await(id);
        assertEquals("succeeded", job.get("state").asText(), job.toString());
        HttpResponse<byte[]> wav = s.http.send(s.request("/v1/clips/" + id).GET().build(), HttpResponse.BodyHandlers.ofByteArray());
        assertEquals(200, wav.statusCode());
        WavReader.Audio audio = WavReader.decode(ByteBuffer.wrap(wav.body()), id);
        assertEquals(Math.round(0.75 * 44100), audio.frames());
        JsonNode meta = Json.MAPPER.readTree(s.get("/v1/clips/" + id + "/meta").body());
        assertEquals(7, meta.get("seed").asLong());
        assertEquals(EmbeddedModel.ID, meta.get("model").asText());
        assertEquals("tiny", result(id).worker());
        // The worker's progress reached the server's clients, and the job completed once.
        assertTrue(eventsOf(id, JobEvent.Type.PROGRESS).stream().anyMatch(e -> e.stage() == Stage.SAMPLING), "sampling progress relayed");
        assertEquals(1, eventsOf(id, JobEvent.Type.SUCCEEDED).size());

        // The same job rendered in this process gives the same audio, sample for sample.
        assertArrayEquals(renderInProcess(id), wav.body(), "remote and in-process renders differ");
    }

    /** The job's WAV as this JVM renders it with the same model, request and seed. */
    static byte[] renderInProcess(String id) throws Exception {
        JobRecord rec = s.server.engine().status(id).orElseThrow().record();
        ClipStore local = ClipStore.open(root.resolve("local-clips"), 1L << 30);
        try (LocalJobRunner runner = new LocalJobRunner(new ModelClipRenderer(null, root.resolve("models")), local)) {
            runner.run(rec, (st, a, b) -> { }, () -> false, () -> false);
        }
        return Files.readAllBytes(local.get(id).orElseThrow().audio());
    }

    @Test
    void initAudioTravelsToTheWorker() throws Exception {
        String first = submit("{\"prompt\":\"take\",\"seconds\":0.5,\"steps\":2,\"seed\":21}");
        assertEquals("succeeded", await(first).get("state").asText());
        String more = submit("{\"mode\":\"continue\",\"prompt\":\"keep going\",\"seconds\":0.25,\"steps\":2,\"seed\":22,"
                + "\"initAudio\":{\"clip\":\"" + first + "\"}}");
        JsonNode job = await(more);
        assertEquals("succeeded", job.get("state").asText(), job.toString());
        HttpResponse<byte[]> wav = s.http.send(s.request("/v1/clips/" + more).GET().build(), HttpResponse.BodyHandlers.ofByteArray());
        WavReader.Audio audio = WavReader.decode(ByteBuffer.wrap(wav.body()), more);
        assertEquals(Math.round(0.5 * 44100) + Math.round(0.25 * 44100), audio.frames(), "the given 0.5 s plus 0.25 s more");
        // Rendered in this process from the server's own copy of the take, the continuation is the same audio.
        assertArrayEquals(renderInProcess(more), wav.body(), "the worker continued a different recording");
        assertEquals(null, probe.objectStore(Subjects.CLIP_BUCKET).getInfo(Subjects.initAudio(more)), "the init audio copy was removed");
    }

    @Test
    void clipsMissingHereAreFetchedFromTheBrokerOnDemand() throws Exception {
        String model = ",\"model\":\"" + SineRenderer.MODEL + "\"";
        String a = submit("{\"prompt\":\"a\",\"seconds\":0.5,\"seed\":501" + model + "}");
        String b = submit("{\"prompt\":\"b\",\"seconds\":0.5,\"seed\":502" + model + "}");
        assertEquals("succeeded", await(a).get("state").asText());
        assertEquals("succeeded", await(b).get("state").asText());
        byte[] aHere = s.http.send(s.request("/v1/clips/" + a).GET().build(), HttpResponse.BodyHandlers.ofByteArray()).body();
        // A second front server whose clip cache holds one clip: it has neither clip, and evicts one for the other.
        LongplayServer.Config c = TestServer.config(root.resolve("second"), 2, 8);
        LongplayServer.Config tinyCache = new LongplayServer.Config(c.bind(), c.port(), c.dataDir(), c.configDir(), c.engine(),
                1, c.limits(), c.readsPerSecond(), c.writesPerSecond());
        try (TestServer second = new TestServer(LongplayServer.start(tinyCache, clips -> NatsJobRunner.connect(
                new NatsJobRunner.Config(nats.url(), "test-serve-2", EmbeddedModel.ID, Duration.ofSeconds(3), JetStreamLayout.defaults()), clips)))) {
            assertArrayEquals(aHere, clipBytes(second, a), "fetched from the object store");
            assertEquals(200, second.get("/v1/clips/" + b).statusCode());
            assertEquals(1, second.server.clips().count(), "a was evicted for b");
            assertArrayEquals(aHere, clipBytes(second, a), "fetched again after its eviction");
            assertEquals(204, second.send(second.write("/v1/clips/" + a).DELETE().build()).statusCode());
            assertEquals(null, probe.objectStore(Subjects.CLIP_BUCKET).getInfo(Subjects.clipMeta(a)), "the delete reached the broker");
            assertEquals(404, second.get("/v1/clips/" + a).statusCode(), "a deleted clip does not come back");
        }
    }

    static byte[] clipBytes(TestServer server, String id) throws Exception {
        HttpResponse<byte[]> r = server.http.send(server.request("/v1/clips/" + id).GET().build(), HttpResponse.BodyHandlers.ofByteArray());
        assertEquals(200, r.statusCode(), "clip " + id);
        return r.body();
    }

    @Test
    void oscClientsGetTheSameProgressAndOneDone() throws Exception {
        var osc = s.server.startOsc(dev.longplay.osc.OscServerConfig.defaults("test").withPorts(0, 0), java.util.Optional.empty());
        try (OscTestClient c = new OscTestClient(osc.udpAddress().orElseThrow(), Duration.ofSeconds(60))) {
            int req = 4242;
            c.send.send("/gen/text", req, "osc through nats", 0.5f, "steps", 3, "seed", 9);
            List<OSCMessage> progress = new ArrayList<>();
            OSCMessage done = c.await(m -> {
                if (m.getAddress().equals("/gen/progress") && m.getArguments().get(0).equals(req)) {
                    progress.add(m);
                }
                return m.getAddress().matches("/done|/fail") && OscTestClient.reqId(m) == req;
            }, "/done for the remote job");
            assertEquals("/done", done.getAddress(), done.getArguments().toString());
            assertEquals((int) Math.round(0.5 * 44100), done.getArguments().get(4));
            assertTrue(progress.stream().anyMatch(p -> p.getArguments().get(4).equals("sampling")), progress.toString());
            String clipId = (String) done.getArguments().get(2);
            assertEquals("tiny", result(clipId).worker());
            // No second /done for the job: ask for something else and see nothing about it arrive first.
            c.send.send("/clip/info", clipId);
            OSCMessage next = c.await(m -> m.getAddress().matches("/done|/fail"), "the /clip/info reply");
            assertEquals("/clip/info", next.getArguments().get(0), "a second /done for the job arrived: " + next.getArguments());
        }
    }

    @Test
    void jobsGoOnlyToWorkersOfTheirModel() throws Exception {
        String toSine = submit("{\"prompt\":\"a\",\"seconds\":0.25,\"steps\":2,\"seed\":300,\"model\":\"" + SineRenderer.MODEL + "\"}");
        String toTiny = submit("{\"prompt\":\"b\",\"seconds\":0.25,\"steps\":2,\"seed\":300}");
        assertEquals("succeeded", await(toSine).get("state").asText());
        assertEquals("succeeded", await(toTiny).get("state").asText());
        assertEquals("sine", result(toSine).worker());
        assertEquals("tiny", result(toTiny).worker());
        assertEquals(SineRenderer.SAMPLE_RATE, Json.MAPPER.readTree(s.get("/v1/clips/" + toSine + "/meta").body()).at("/audio/sampleRate").asInt());
        HttpResponse<String> nobody = s.postJob("{\"prompt\":\"c\",\"seconds\":0.25,\"model\":\"nobody-serves-this\"}");
        assertEquals(400, nobody.statusCode(), "a model no worker announced is refused");
        assertTrue(nobody.body().contains("unknown_model"), nobody.body());
    }

    @Test
    void liveJobsOvertakeQueuedBatchJobs() throws Exception {
        String model = ",\"model\":\"" + SineRenderer.MODEL + "\"";
        String blocker = submit("{\"prompt\":\"blocker\",\"seconds\":0.1,\"steps\":60,\"priority\":\"batch\"" + model + "}");
        awaitProgress(blocker);
        List<String> batch = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            batch.add(submit("{\"prompt\":\"batch " + i + "\",\"seconds\":0.1,\"steps\":2,\"priority\":\"batch\"" + model + "}"));
        }
        String live = submit("{\"prompt\":\"live\",\"seconds\":0.1,\"steps\":2,\"priority\":\"live\"" + model + "}");
        for (String id : batch) {
            assertEquals("succeeded", await(id).get("state").asText());
        }
        assertEquals("succeeded", await(live).get("state").asText());
        List<String> order = new ArrayList<>();
        for (JobEvent e : events) {
            if (e.type() == JobEvent.Type.SUCCEEDED) {
                order.add(e.jobId());
            }
        }
        int liveAt = order.indexOf(live);
        for (String id : batch) {
            assertTrue(liveAt < order.indexOf(id), "the live job finished after batch job " + id + ": " + order);
        }
    }

    @Test
    void cancelReachesTheWorkerBetweenSteps() throws Exception {
        String id = submit("{\"prompt\":\"long\",\"seconds\":0.1,\"steps\":1000,\"model\":\"" + SineRenderer.MODEL + "\"}");
        awaitProgress(id);
        long t0 = System.nanoTime();
        HttpResponse<String> r = s.send(s.write("/v1/jobs/" + id).DELETE().build());
        assertTrue(r.statusCode() == 200 || r.statusCode() == 202, r.body());
        assertEquals("cancelled", await(id).get("state").asText());
        RemoteResult confirmed = result(id);
        assertEquals("sine", confirmed.worker());
        assertEquals(dev.longplay.server.jobs.JobState.CANCELLED, confirmed.state(), "the worker stopped the render itself");
        assertTrue(System.nanoTime() - t0 < Duration.ofSeconds(3).toNanos(), "the cancel took too long");
    }

    @Test
    void aJobThatKeepsFailingIsDeadLetteredAndFailed() throws Exception {
        String id = submit("{\"prompt\":\"doomed\",\"seconds\":0.1,\"model\":\"" + BROKEN + "\"}");
        JsonNode job = await(id);
        assertEquals("failed", job.get("state").asText(), job.toString());
        assertTrue(job.toString().contains("failed 2 times"), job.toString());
        MessageInfo dead = probe.jetStreamManagement().getLastMessage(Subjects.DLQ_STREAM, Subjects.deadLetter(id));
        assertEquals("2", dead.getHeaders().getFirst("Longplay-Deliveries"));
        assertEquals(id, Json.MAPPER.readValue(dead.getData(), RemoteJob.class).job().id());
        assertEquals(2, BrokenRenderer.last.attempts, "rendered once per delivery, then given up");
    }

    static void awaitProgress(String id) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (eventsOf(id, JobEvent.Type.PROGRESS).stream().noneMatch(e -> e.stage() == Stage.SAMPLING)) {
            assertTrue(System.nanoTime() < deadline, "no sampling progress for " + id);
            Thread.sleep(10);
        }
    }

    /** A model whose every render fails (a retryable failure, unlike a bad request). */
    static final class BrokenRenderer implements ClipRenderer {
        static volatile BrokenRenderer last;
        volatile int attempts;

        BrokenRenderer() {
            last = this;
        }

        @Override
        public List<ServedModel> models() {
            return List.of(new ServedModel(BROKEN, "always fails", "sha256:none", "cpu", 16000, 60, true));
        }

        @Override
        public void load(String modelId, ProgressListener progress) {
        }

        @Override
        public RenderedClip render(GenerationRequest request, ProgressListener progress, CancellationCheck cancel) throws RenderException {
            attempts++;
            throw new RenderException(RenderException.Kind.FAILED, "the device fell over");
        }

        @Override
        public void close() {
        }
    }
}
