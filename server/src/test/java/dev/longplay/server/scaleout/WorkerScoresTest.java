package dev.longplay.server.scaleout;

import com.fasterxml.jackson.databind.JsonNode;
import dev.longplay.models.clap.ClapModel;
import dev.longplay.server.LongplayServer;
import dev.longplay.server.SineRenderer;
import dev.longplay.server.TestServer;
import dev.longplay.server.audio.WavReader;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** A worker started with a CLAP model scores what it renders; the score reaches the front server's clip metadata. */
class WorkerScoresTest {

    static final Path CLAP = Path.of(System.getenv().getOrDefault("LONGPLAY_PROJECT_DIR", "..")).toAbsolutePath()
            .resolve("models/src/test/resources/golden/clap_audio_score/clap");

    @TempDir
    Path root;

    @Test
    void clipsFromAScoringWorkerCarryTheirClapScore() throws Exception {
        Assumptions.assumeTrue(NatsServerHarness.executable() != null, "nats-server is not installed");
        try (ClapModel clap = ClapModel.load(CLAP);
             NatsServerHarness nats = NatsServerHarness.start(root);
             TestServer s = new TestServer(LongplayServer.start(TestServer.config(root, 4, 16), clips -> NatsJobRunner.connect(
                     new NatsJobRunner.Config(nats.url(), "test-serve", SineRenderer.MODEL, Duration.ofSeconds(3),
                             JetStreamLayout.defaults()), clips)));
             NatsWorker worker = new NatsWorker(new NatsWorker.Config(nats.url(), "scoring", Duration.ofSeconds(2), 3,
                     root.resolve("work"), JetStreamLayout.defaults()), new SineRenderer(2, 1, 0.5f), clap)) {
            worker.start();
            HttpResponse<String> r = s.postJob("{\"prompt\":\"a bright sine\",\"seconds\":2,\"format\":\"wav32f\"}");
            assertEquals(202, r.statusCode(), r.body());
            String id = TestServer.json(r).get("id").asText();
            JsonNode done = s.awaitJob(id, Duration.ofSeconds(60));
            assertEquals("succeeded", done.get("state").asText(), done.toString());
            String clip = done.get("clipId").asText();
            JsonNode scores = TestServer.json(s.get("/v1/clips/" + clip + "/meta")).get("scores");
            assertEquals(clap.name(), scores.get("clapModel").asText());
            WavReader.Audio a = WavReader.read(s.server.clips().get(clip).orElseThrow().audio());
            assertEquals(clap.score("a bright sine", a.samples(), a.sampleRate()), scores.get("clap").asDouble(), 1e-5);
        }
    }
}
