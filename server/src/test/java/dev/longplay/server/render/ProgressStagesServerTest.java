package dev.longplay.server.render;

import com.fasterxml.jackson.databind.JsonNode;
import com.illposed.osc.OSCMessage;
import dev.longplay.models.pipeline.Stage;
import dev.longplay.osc.OscDocs;
import dev.longplay.server.OscTestClient;
import dev.longplay.server.TestServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * One stage vocabulary from the pipeline to the edges: a job on the default model reports {@code conditioning}
 * before {@code sampling} over HTTP SSE and over OSC {@code /gen/progress}, every word either edge sends is a
 * {@link Stage#wire()} word, and the published API descriptions (OpenAPI, the OSC reference) list exactly those.
 */
class ProgressStagesServerTest {

    static final Duration WAIT = Duration.ofSeconds(300);
    static final List<String> WORDS = Arrays.stream(Stage.values()).map(Stage::wire).toList();

    @RegisterExtension
    static final DefaultModelServer.PerClass SERVER = new DefaultModelServer.PerClass();

    // With the one worker busy, the job under test waits in the queue until its listener is subscribed, so none of its
    // progress can pass before the test listens.
    private static void occupyTheWorker() throws Exception {
        HttpResponse<String> posted = SERVER.http().postJob("{\"prompt\":\"long drone\",\"seconds\":2,\"steps\":8,\"seed\":1}");
        assertEquals(202, posted.statusCode(), posted.body());
    }

    @Test
    void sseProgressSaysConditioningBeforeSampling() throws Exception {
        occupyTheWorker();
        HttpResponse<String> posted = SERVER.http().postJob("{\"prompt\":\"soft pluck\",\"seconds\":1,\"steps\":2,\"seed\":3}");
        assertEquals(202, posted.statusCode(), posted.body());
        String id = TestServer.json(posted).get("id").asText();
        List<JsonNode> data = SERVER.http().jobEvents(id);
        assertEquals("succeeded", data.get(data.size() - 1).get("type").asText(), data.toString());
        List<String> stages = data.stream().filter(d -> "progress".equals(d.path("type").asText()))
                .map(d -> d.get("stage").asText()).toList();
        assertConditioningBeforeSampling(stages);
    }

    @Test
    void oscProgressSaysConditioningBeforeSampling() throws Exception {
        try (OscTestClient c = new OscTestClient(SERVER.osc(), WAIT)) {
            occupyTheWorker();
            c.send.send("/gen/text", 9, "soft pluck", 1.0f, "seed", 3, "steps", 2);
            List<OSCMessage> progress = new ArrayList<>();
            OSCMessage done = c.replies.await(m -> {
                if (m.getAddress().equals("/gen/progress") && m.getArguments().get(0).equals(9)) {
                    progress.add(m);
                }
                return m.getAddress().matches("/done|/fail") && OscTestClient.reqId(m) == 9;
            }, WAIT);
            assertNotNull(done);
            assertEquals("/done", done.getAddress(), done.getArguments().toString());
            List<String> stages = progress.stream().map(m -> (String) m.getArguments().get(4)).toList();
            assertEquals("queued", stages.get(0), stages.toString());
            assertConditioningBeforeSampling(stages);
            float fraction = -1;
            for (OSCMessage m : progress) {
                float f = (Float) m.getArguments().get(1);
                assertTrue(f >= fraction && f <= 1, "the fraction only grows: " + progress);
                fraction = f;
            }
        }
    }

    @Test
    void theApiDescriptionsListExactlyTheStageWords() throws Exception {
        JsonNode api = TestServer.json(SERVER.http().get("/v1/openapi.json"));
        for (String schema : List.of("/components/schemas/JobEvent/properties/stage/enum",
                "/components/schemas/Job/properties/progress/properties/stage/enum")) {
            List<String> listed = new ArrayList<>();
            api.at(schema).forEach(w -> listed.add(w.asText()));
            assertEquals(WORDS, listed, schema);
        }
        String doc = OscDocs.generate();
        String progress = doc.substring(doc.indexOf("### /gen/progress"));
        progress = progress.substring(0, progress.indexOf("\n### ", 1));
        for (String w : WORDS) {
            assertTrue(progress.contains(w), "/gen/progress's reference names '" + w + "': " + progress);
        }
    }

    private static void assertConditioningBeforeSampling(List<String> stages) {
        assertTrue(WORDS.containsAll(stages), "every word is a Stage's: " + stages);
        int conditioning = stages.indexOf("conditioning");
        int sampling = stages.indexOf("sampling");
        assertTrue(conditioning >= 0 && sampling > conditioning, "conditioning, then sampling: " + stages);
        assertTrue(stages.lastIndexOf("conditioning") < sampling, "no conditioning reported as sampling: " + stages);
        assertTrue(stages.indexOf("decoding") > stages.lastIndexOf("sampling"), stages.toString());
    }
}
