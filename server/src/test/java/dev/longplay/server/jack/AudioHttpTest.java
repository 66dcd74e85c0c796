package dev.longplay.server.jack;

import dev.longplay.server.live.AudioControl;
import com.fasterxml.jackson.databind.JsonNode;
import dev.longplay.server.SineRenderer;
import dev.longplay.server.TestServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The audio routes over real HTTP: the bridge handshake end to end, the write rules (token, content type), and
 * playback and capture with JACK absent and present.
 */
class AudioHttpTest {

    @TempDir
    Path root;

    static HttpResponse<String> post(TestServer s, String path, String json) throws Exception {
        return s.send(s.write(path).header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(json)).build());
    }

    static String renderClip(TestServer s) throws Exception {
        HttpResponse<String> job = s.postJob("{\"prompt\":\"test tone\",\"seconds\":1}");
        assertEquals(202, job.statusCode(), job.body());
        JsonNode done = s.awaitJob(TestServer.json(job).get("id").asText(), Duration.ofSeconds(20));
        return done.get("clipId").asText();
    }

    @Test
    void bridgeHandshakeWithoutJack() throws Exception {
        try (TestServer s = TestServer.start(root, new SineRenderer(2, 0, 0.5f), 1, 8);
             AudioControl audio = s.server.startAudio(null)) {
            String clip = renderClip(s);
            String id = "inst-" + ProcessHandle.current().pid();

            HttpResponse<String> noToken = s.send(s.request("/v1/bridge/attach").header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"instanceId\":\"" + id + "\",\"sampleRate\":44100}")).build());
            assertEquals(401, noToken.statusCode());
            assertEquals(415, s.send(s.write("/v1/bridge/attach").header("Content-Type", "text/plain")
                    .POST(HttpRequest.BodyPublishers.ofString("{}")).build()).statusCode());

            HttpResponse<String> attach = post(s, "/v1/bridge/attach", "{\"instanceId\":\"" + id + "\",\"sampleRate\":44100,\"capacityFrames\":1024}");
            assertEquals(201, attach.statusCode(), attach.body());
            JsonNode a = TestServer.json(attach);
            assertEquals("/longplay-" + id, a.get("shmName").asText());
            assertEquals(1024, a.get("capacityFrames").asInt());
            assertTrue(Files.exists(Path.of("/dev/shm/longplay-" + id)));

            HttpResponse<String> send = post(s, "/v1/bridge/" + id + "/send", "{\"clipId\":\"" + clip + "\"}");
            assertEquals(202, send.statusCode(), send.body());
            assertEquals(44_100, TestServer.json(send).get("frames").asInt(), "one second, resampled from 16 kHz to the host's rate");
            assertEquals(404, post(s, "/v1/bridge/" + id + "/send", "{\"clipId\":\"nope\"}").statusCode());

            HttpResponse<String> transport = post(s, "/v1/bridge/" + id + "/transport", "{\"tempo\":98.5,\"ppq\":12.25,\"playing\":true}");
            assertEquals(200, transport.statusCode(), transport.body());
            JsonNode info = TestServer.json(s.get("/v1/bridge/" + id));
            assertEquals(98.5, info.get("transport").get("tempo").asDouble());
            assertEquals(1024, info.get("written").asInt(), "the ring is full; the rest waits for the plugin to read");
            assertEquals(44_100 - 1024, info.get("queuedFrames").asInt());
            assertEquals(400, post(s, "/v1/bridge/" + id + "/transport", "{\"tempo\":98.5}").statusCode());

            assertEquals(200, s.send(s.write("/v1/bridge/" + id).DELETE().build()).statusCode());
            assertFalse(Files.exists(Path.of("/dev/shm/longplay-" + id)));
            assertEquals(404, s.send(s.write("/v1/bridge/" + id).DELETE().build()).statusCode());

            HttpResponse<String> play = post(s, "/v1/play", "{\"playId\":\"a\",\"clipId\":\"" + clip + "\"}");
            assertEquals(503, play.statusCode());
            assertEquals("jack_unavailable", TestServer.json(play).get("code").asText());
        }
    }

    @Test
    void playAndCaptureThroughJack() throws Exception {
        try (JackServerHarness jackd = JackServerHarness.start(256);
             TestServer s = TestServer.start(root, new SineRenderer(2, 0, 0.5f), 1, 8);
             AudioControl audio = s.server.startAudio(new JackPlayerClient.Config("lp-http", jackd.name, 2, 120))) {
            assertTrue(audio.jackAvailable());
            String clip = renderClip(s);
            JsonNode clock = TestServer.json(s.get("/v1/play/clock"));
            assertEquals(48_000, clock.get("sampleRate").asInt());
            assertEquals("internal", clock.get("source").asText());

            HttpResponse<String> bad = post(s, "/v1/play", "{\"playId\":\"x\",\"clipId\":\"" + clip + "\",\"atFrame\":1,\"atBeat\":2}");
            assertEquals(400, bad.statusCode());
            HttpResponse<String> play = post(s, "/v1/play", "{\"playId\":\"loop1\",\"clipId\":\"" + clip + "\",\"mode\":\"loop\",\"gain\":0.5}");
            assertEquals(200, play.statusCode(), play.body());
            assertEquals(0, TestServer.json(play).get("voice").asInt());
            assertEquals(48_000, TestServer.json(play).get("frames").asInt());
            // /play/end over HTTP: an SSE stream that names the playback when it ends.
            HttpResponse<java.util.stream.Stream<String>> events = s.http.send(s.request("/v1/play/events").GET().build(),
                    HttpResponse.BodyHandlers.ofLines());
            assertEquals(200, events.statusCode());
            assertEquals(200, post(s, "/v1/play/loop1/stop", "").statusCode());
            String data = events.body().filter(l -> l.startsWith("data: ")).findFirst().orElseThrow();
            events.body().close();
            JsonNode end = dev.longplay.server.io.Json.MAPPER.readTree(data.substring(6));
            assertEquals("loop1", end.get("playId").asText());
            assertEquals("stopped", end.get("reason").asText());
            assertEquals(404, post(s, "/v1/play/loop1/stop", "").statusCode());

            // Capture: the take goes to the job engine as a style transfer.
            HttpResponse<String> cap = post(s, "/v1/capture", "{\"seconds\":0.25,\"prompt\":\"as a string quartet\"}");
            assertEquals(202, cap.statusCode(), cap.body());
            JsonNode job = s.awaitJob(TestServer.json(cap).get("jobId").asText(), Duration.ofSeconds(20));
            assertEquals("succeeded", job.get("state").asText(), job.toString());
            assertEquals("audio_to_audio", job.get("mode").asText(), job.toString());
        }
    }
}
