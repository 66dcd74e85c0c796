package dev.longplay.server.jobs;

import com.fasterxml.jackson.databind.JsonNode;
import dev.longplay.models.clap.ClapModel;
import dev.longplay.models.metrics.PromptAudioScorer;
import dev.longplay.server.LongplayServer;
import dev.longplay.server.SineRenderer;
import dev.longplay.server.TestServer;
import dev.longplay.server.audio.WavReader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** With a CLAP model configured, every clip's metadata holds its CLAP score against its own prompt. */
class ClipScoresTest {

    static final Path CLAP = Path.of(System.getenv().getOrDefault("LONGPLAY_PROJECT_DIR", "..")).toAbsolutePath()
            .resolve("models/src/test/resources/golden/clap_audio_score/clap");

    @TempDir
    Path root;

    @Test
    void clipsCarryTheirClapScore() throws Exception {
        PromptAudioScorer clap = ClapModel.load(CLAP);
        try (TestServer s = new TestServer(LongplayServer.start(TestServer.config(root, 1, 8),
                clips -> new LocalJobRunner(new SineRenderer(2, 0, 0.5f), clips, clap)))) {
            HttpResponse<String> r = s.postJob("{\"prompt\":\"a bright sine\",\"seconds\":2,\"format\":\"wav32f\"}");
            assertEquals(202, r.statusCode(), r.body());
            String clip = s.awaitJob(TestServer.json(r).get("id").asText(), Duration.ofSeconds(30)).get("clipId").asText();
            JsonNode scores = TestServer.json(s.get("/v1/clips/" + clip + "/meta")).get("scores");
            assertEquals(clap.name(), scores.get("clapModel").asText());
            // The file holds the same audio (float32, under full scale): scoring it again gives the same number.
            WavReader.Audio a = WavReader.read(s.server.clips().get(clip).orElseThrow().audio());
            assertEquals(clap.score("a bright sine", a.samples(), a.sampleRate()), scores.get("clap").asDouble(), 1e-5);
        }
    }
}
