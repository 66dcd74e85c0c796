package dev.longplay.server.render;

import com.fasterxml.jackson.databind.JsonNode;
import com.illposed.osc.OSCMessage;
import dev.longplay.models.pipeline.TrainedModel;
import dev.longplay.server.OscTestClient;
import dev.longplay.server.TestServer;
import dev.longplay.server.audio.WavReader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The server on the default model (2 s window) asked for the plugin's and the OSC examples' default length, 8 s:
 * made window by window, progress reports the windows over HTTP SSE and OSC, and the clip is exactly 8 s.
 */
class LongFormServerTest {

    static final Duration WAIT = Duration.ofSeconds(300);

    @RegisterExtension
    static final DefaultModelServer.PerClass SERVER = new DefaultModelServer.PerClass();

    @Test
    void eightSecondsOverHttpAreMadeInFiveWindowsThatProgressReports() throws Exception {
        HttpResponse<String> posted = SERVER.http().postJob("{\"prompt\":\"warm analog pad\",\"seconds\":8,\"steps\":3,\"seed\":4}");
        assertEquals(202, posted.statusCode(), posted.body());
        String id = TestServer.json(posted).get("id").asText();
        List<JsonNode> data = SERVER.http().jobEvents(id);
        assertEquals("succeeded", data.get(data.size() - 1).get("type").asText(), data.toString());
        List<JsonNode> windows = data.stream().filter(d -> "window".equals(d.path("stage").asText())).toList();
        assertTrue(windows.size() >= 2, "windows are reported: " + data);
        int last = -1;
        for (JsonNode w : windows) {
            assertEquals(5, w.get("total").asInt(), w.toString());
            assertTrue(w.get("step").asInt() > last, "windows count up: " + windows);
            last = w.get("step").asInt();
        }
        assertTrue(data.stream().anyMatch(d -> "sampling".equals(d.path("stage").asText()) && d.get("total").asInt() == 15),
                "sampling counts the steps of all five windows: " + data);

        HttpResponse<byte[]> wav = SERVER.http().http.send(SERVER.http().request("/v1/clips/" + id).GET().build(),
                HttpResponse.BodyHandlers.ofByteArray());
        WavReader.Audio a = WavReader.decode(ByteBuffer.wrap(wav.body()), id);
        assertEquals(8000, a.sampleRate());
        assertEquals(8 * 8000, a.frames());
        JsonNode meta = TestServer.json(SERVER.http().get("/v1/clips/" + id + "/meta"));
        assertEquals(TrainedModel.ID, meta.get("model").asText(), meta.toString());
        assertEquals(5, meta.at("/renderer/longForm/windows").asInt(), meta.toString());
    }

    @Test
    void theOscExamplesRequestGetsAnEightSecondClipWithWindowProgress() throws Exception {
        try (OscTestClient c = new OscTestClient(SERVER.osc(), WAIT)) {
            c.send.send("/gen/text", 7, "warm analog pad", 8.0f, "seed", 42, "steps", 3);
            List<OSCMessage> progress = new ArrayList<>();
            OSCMessage done = c.replies.await(m -> {
                if (m.getAddress().equals("/gen/progress") && m.getArguments().get(0).equals(7)) {
                    progress.add(m);
                }
                return m.getAddress().matches("/done|/fail") && OscTestClient.reqId(m) == 7;
            }, WAIT);
            assertNotNull(done);
            assertEquals("/done", done.getAddress(), done.getArguments().toString());
            assertEquals(8 * 8000, done.getArguments().get(4));
            assertEquals(8000, done.getArguments().get(6));
            assertTrue(progress.stream().anyMatch(p -> p.getArguments().get(4).equals("window")
                    && p.getArguments().get(3).equals(5)), progress.toString());
            float fraction = -1;
            for (OSCMessage p : progress) {
                float f = (Float) p.getArguments().get(1);
                assertTrue(f >= fraction && f <= 1, "the fraction only grows: " + progress);
                fraction = f;
            }
        }
    }
}
