package dev.longplay.server;

import dev.longplay.server.io.Json;
import com.fasterxml.jackson.databind.JsonNode;
import dev.longplay.server.http.ApiHandler;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.sound.sampled.AudioFormat;
import javax.sound.sampled.AudioInputStream;
import javax.sound.sampled.AudioSystem;
import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.Socket;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The HTTP API against a running server (the seeded-sine test renderer stands in for the model). */
class HttpApiTest {

    @TempDir
    static Path root;
    static TestServer s;

    @BeforeAll
    static void start() throws Exception {
        s = TestServer.start(root, new SineRenderer(5, 2, 1.6f), 1, 64);
    }

    @AfterAll
    static void stop() throws Exception {
        s.close();
    }

    @Test
    void textJobRunsAndItsClipIsServedWithMetadataAndRanges() throws Exception {
        HttpResponse<String> r = s.postJob("{\"prompt\":\"warm pad\",\"seconds\":0.5,\"seed\":42,\"format\":\"wav16\"}");
        assertEquals(202, r.statusCode(), r.body());
        JsonNode job = TestServer.json(r);
        String id = job.get("id").asText();
        assertEquals("/v1/jobs/" + id, r.headers().firstValue("Location").orElseThrow());
        JsonNode done = s.awaitJob(id, Duration.ofSeconds(10));
        assertEquals("succeeded", done.get("state").asText(), done.toString());

        HttpResponse<byte[]> audio = s.http.send(s.request(done.get("clipUrl").asText()).build(), HttpResponse.BodyHandlers.ofByteArray());
        assertEquals(200, audio.statusCode());
        assertEquals("audio/wav", audio.headers().firstValue("Content-Type").orElseThrow());
        try (AudioInputStream in = AudioSystem.getAudioInputStream(new ByteArrayInputStream(audio.body()))) {
            AudioFormat f = in.getFormat();
            assertEquals(16, f.getSampleSizeInBits());
            assertEquals(2, f.getChannels());
            assertEquals(SineRenderer.SAMPLE_RATE, (int) f.getSampleRate());
            assertEquals(8000, in.getFrameLength());
        }

        HttpResponse<byte[]> part = s.http.send(s.request("/v1/clips/" + id).header("Range", "bytes=10-19").build(),
                HttpResponse.BodyHandlers.ofByteArray());
        assertEquals(206, part.statusCode());
        assertEquals("bytes 10-19/" + audio.body().length, part.headers().firstValue("Content-Range").orElseThrow());
        assertArrayEquals(java.util.Arrays.copyOfRange(audio.body(), 10, 20), part.body());
        HttpResponse<byte[]> tail = s.http.send(s.request("/v1/clips/" + id).header("Range", "bytes=-4").build(),
                HttpResponse.BodyHandlers.ofByteArray());
        assertArrayEquals(java.util.Arrays.copyOfRange(audio.body(), audio.body().length - 4, audio.body().length), tail.body());
        assertEquals(416, s.send(s.request("/v1/clips/" + id).header("Range", "bytes=999999-").build()).statusCode());

        JsonNode meta = TestServer.json(s.get("/v1/clips/" + id + "/meta"));
        assertEquals("warm pad", meta.get("prompt").asText());
        assertEquals(42, meta.get("seed").asLong());
        assertEquals("sha256:test", meta.get("modelHash").asText());
        assertTrue(meta.get("timings").has("renderMs"));
        // The renderer's peak of 1.6 was normalised, and the gain recorded.
        assertEquals(1.6, meta.get("audio").get("peak").asDouble(), 1e-3);
        assertTrue(meta.get("audio").get("normalisationGain").asDouble() < 0.62);
    }

    @Test
    void eventsStreamProgressThenTheEnd() throws Exception {
        String id = TestServer.json(s.postJob("{\"prompt\":\"riser\",\"seconds\":0.2,\"steps\":20}")).get("id").asText();
        HttpResponse<InputStream> r = s.http.send(s.request("/v1/jobs/" + id + "/events").build(), HttpResponse.BodyHandlers.ofInputStream());
        assertEquals(200, r.statusCode());
        assertTrue(r.headers().firstValue("Content-Type").orElseThrow().startsWith("text/event-stream"));
        List<String> events = new ArrayList<>();
        List<JsonNode> data = new ArrayList<>();
        try (BufferedReader in = new BufferedReader(new InputStreamReader(r.body(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = in.readLine()) != null) {
                if (line.startsWith("event: ")) {
                    events.add(line.substring(7));
                } else if (line.startsWith("data: ")) {
                    data.add(Json.MAPPER.readTree(line.substring(6)));
                }
            }
        }
        assertEquals("status", events.get(0));
        JsonNode last = data.get(data.size() - 1);
        assertEquals("succeeded", last.get("type").asText(), data.toString());
        assertEquals(id, last.get("clipId").asText());
        assertTrue(data.stream().anyMatch(d -> "progress".equals(d.path("type").asText()) && "sampling".equals(d.path("stage").asText())
                && d.get("total").asInt() == 20), data.toString());
        // A finished job's stream is just its status.
        HttpResponse<String> again = s.get("/v1/jobs/" + id + "/events");
        assertTrue(again.body().startsWith("id: ") && again.body().contains("\"state\":\"succeeded\""), again.body());
    }

    @Test
    void cancelStopsARunningJobBetweenSteps() throws Exception {
        String id = TestServer.json(s.postJob("{\"prompt\":\"long\",\"seconds\":0.2,\"steps\":1000,\"priority\":\"batch\"}")).get("id").asText();
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (!TestServer.json(s.get("/v1/jobs/" + id)).get("state").asText().equals("running")) {
            assertTrue(System.nanoTime() < deadline, "the job never started");
            Thread.sleep(10);
        }
        HttpResponse<String> c = s.send(s.write("/v1/jobs/" + id).DELETE().build());
        assertEquals(200, c.statusCode(), c.body());
        JsonNode done = s.awaitJob(id, Duration.ofSeconds(5));
        assertEquals("cancelled", done.get("state").asText());
        assertEquals(404, s.get("/v1/clips/" + id).statusCode());
    }

    @Test
    void presetsFillTheRequestAndLoopsFollowTheBarGrid() throws Exception {
        JsonNode presets = TestServer.json(s.get("/v1/presets"));
        assertTrue(presets.get("presets").size() >= 8);
        HttpResponse<String> r = s.postJob("{\"preset\":\"drum-loop\",\"prompt\":\"funk\",\"bpm\":120,\"bars\":1,\"seed\":7}");
        assertEquals(202, r.statusCode(), r.body());
        String id = TestServer.json(r).get("id").asText();
        assertEquals("succeeded", s.awaitJob(id, Duration.ofSeconds(10)).get("state").asText());
        JsonNode meta = TestServer.json(s.get("/v1/clips/" + id + "/meta"));
        assertEquals("loop", meta.get("mode").asText());
        assertEquals("drum-loop", meta.get("preset").asText());
        assertTrue(meta.get("prompt").asText().startsWith("funk, drum loop, 120 BPM"), meta.get("prompt").asText());
        assertEquals(2.0, meta.get("audio").get("seconds").asDouble(), 1e-9); // 1 bar of 4/4 at 120 BPM
    }

    @Test
    void styleTransferUsesAnUploadedRecording() throws Exception {
        byte[] wav = Files.readAllBytes(findAnyClip());
        HttpResponse<String> up = s.send(s.write("/v1/uploads").header("Content-Type", "audio/wav")
                .POST(HttpRequest.BodyPublishers.ofByteArray(wav)).build());
        assertEquals(201, up.statusCode(), up.body());
        String upload = TestServer.json(up).get("id").asText();
        HttpResponse<String> r = s.postJob("{\"mode\":\"audio_to_audio\",\"prompt\":\"make it brass\",\"seconds\":0.2,"
                + "\"initAudio\":{\"upload\":\"" + upload + "\"},\"initNoiseLevel\":2.5}");
        assertEquals(202, r.statusCode(), r.body());
        String id = TestServer.json(r).get("id").asText();
        assertEquals("succeeded", s.awaitJob(id, Duration.ofSeconds(10)).get("state").asText());
        // initNoiseLevel is this setting's one name on every channel; OSC's old name is no HTTP field (refused, not ignored)
        assertEquals(2.5, TestServer.json(s.get("/v1/clips/" + id + "/meta")).get("settings").get("initNoiseLevel").asDouble(), 0);
        HttpResponse<String> strength = s.postJob("{\"mode\":\"audio_to_audio\",\"prompt\":\"brass\",\"seconds\":0.2,"
                + "\"initAudio\":{\"upload\":\"" + upload + "\"},\"strength\":0.5}");
        assertEquals(400, strength.statusCode(), strength.body());
        HttpResponse<String> notWav = s.send(s.write("/v1/uploads").header("Content-Type", "audio/wav")
                .POST(HttpRequest.BodyPublishers.ofString("this is not audio, really not, definitely not a RIFF file at all")).build());
        assertError(notWav, 400, "invalid_audio");
    }

    private static Path findAnyClip() throws Exception {
        String id = TestServer.json(s.postJob("{\"prompt\":\"source\",\"seconds\":0.2}")).get("id").asText();
        s.awaitJob(id, Duration.ofSeconds(10));
        return root.resolve("data/clips/" + id + ".wav");
    }

    @Test
    void healthModelsAndOpenApiDescribeTheServer() throws Exception {
        JsonNode health = TestServer.json(s.get("/v1/health"));
        assertEquals("ok", health.get("status").asText());
        assertEquals(SineRenderer.MODEL, health.get("model").get("id").asText());
        assertEquals("cpu", health.get("device").asText());
        assertTrue(health.get("queue").has("depth"));
        assertEquals(SineRenderer.MODEL, TestServer.json(s.get("/v1/models")).get("models").get(0).get("id").asText());
        JsonNode api = TestServer.json(s.get("/v1/openapi.json"));
        assertEquals("3.0.3", api.get("openapi").asText());
        // Every route the server has is documented (method and path).
        ApiHandler handler = (ApiHandler) handlerOf();
        for (String route : handler.routeNames()) {
            String[] mp = route.split(" ");
            assertTrue(api.get("paths").has(mp[1]) && api.get("paths").get(mp[1]).has(mp[0].toLowerCase()), "undocumented: " + route);
        }
    }

    private static Object handlerOf() throws Exception {
        var f = LongplayServer.class.getDeclaredField("jetty");
        f.setAccessible(true);
        return ((org.eclipse.jetty.server.Server) f.get(s.server)).getHandler();
    }

    // ---- the bad-input suite ----------------------------------------------------------------------------------

    @Test
    void malformedJsonWrongTypesAndUnknownFieldsAreRefusedWithCodes() throws Exception {
        assertError(s.postJob("{\"prompt\":"), 400, "malformed_json");
        assertError(s.postJob(""), 400, "malformed_json");
        assertError(s.postJob("[1,2]"), 400, "wrong_type");
        assertError(s.postJob("{\"prompt\":\"x\"} trailing"), 400, "malformed_json");
        assertError(s.postJob("{\"prompt\":\"x\",\"seconds\":\"10\"}"), 400, "wrong_type");
        assertError(s.postJob("{\"prompt\":\"x\",\"steps\":2.5}"), 400, "wrong_type");
        assertError(s.postJob("{\"prompt\":42}"), 400, "wrong_type");
        assertError(s.postJob("{\"prompt\":\"x\",\"priority\":\"urgent\"}"), 400, "wrong_type");
        assertError(s.postJob("{\"prompt\":\"x\",\"colour\":\"red\"}"), 400, "unknown_field");
        assertError(s.postJob("{\"prompt\":\"x\",\"seconds\":-1}"), 400, "invalid_argument");
        assertError(s.postJob("{\"prompt\":\"x\",\"seconds\":1e9}"), 400, "invalid_argument");
        assertError(s.postJob("{\"seconds\":3}"), 400, "invalid_argument");
        assertError(s.postJob("{\"prompt\":\"x\",\"mode\":\"karaoke\"}"), 400, "invalid_argument");
        assertError(s.postJob("{\"mode\":\"inpaint\",\"prompt\":\"x\",\"initAudio\":{\"clip\":\"nope\"},\"inpaintRanges\":[{\"start\":1,\"end\":0}]}"),
                400, "invalid_argument");
        assertError(s.postJob("{\"mode\":\"loop\",\"prompt\":\"x\"}"), 400, "invalid_argument");
        assertError(s.postJob("{\"preset\":\"no-such-preset\"}"), 400, "invalid_argument");
        assertError(s.postJob("{\"prompt\":\"x\",\"model\":\"other-model\"}"), 400, "unknown_model");
        HttpResponse<String> failing = s.postJob("{\"prompt\":\"explode\",\"seconds\":0.1}");
        JsonNode failed = s.awaitJob(TestServer.json(failing).get("id").asText(), Duration.ofSeconds(10));
        assertEquals("failed", failed.get("state").asText());
        assertEquals("invalid_argument", failed.get("error").get("code").asText());
    }

    @Test
    void contentTypeAndSizeCapsAreEnforced() throws Exception {
        assertError(s.send(s.write("/v1/jobs").header("Content-Type", "text/plain")
                .POST(HttpRequest.BodyPublishers.ofString("{\"prompt\":\"x\"}")).build()), 415, "unsupported_media_type");
        assertError(s.send(s.write("/v1/jobs").POST(HttpRequest.BodyPublishers.ofString("{\"prompt\":\"x\"}")).build()), 415, "unsupported_media_type");
        String huge = "{\"prompt\":\"" + "a".repeat(100_000) + "\"}";
        assertError(s.postJob(huge), 413, "payload_too_large");
        // Without a Content-Length (streamed body) the cap still holds.
        HttpRequest chunked = s.write("/v1/jobs").header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(huge.getBytes(StandardCharsets.UTF_8)))).build();
        assertError(s.send(chunked), 413, "payload_too_large");
        // A big upload is refused by its Content-Length, before its body is read. The request goes out as bare
        // headers: a client still writing 5 MiB when the 413 and the close arrive may see a reset, not the answer.
        String head = rawRequest("POST /v1/uploads HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " + s.token
                + "\r\nContent-Type: audio/wav\r\nContent-Length: " + 5 * 1024 * 1024 + "\r\n\r\n");
        assertTrue(head.startsWith("HTTP/1.1 413 "), head);
        assertTrue(head.contains("payload_too_large"), head);
    }

    @Test
    void unknownIdsAndRoutesAre404AndWrongMethods405() throws Exception {
        assertError(s.get("/v1/jobs/00000000-0000-0000-0000-000000000000"), 404, "job_not_found");
        assertError(s.get("/v1/jobs/nope/events"), 404, "job_not_found");
        assertError(s.send(s.write("/v1/jobs/nope").DELETE().build()), 404, "job_not_found");
        assertError(s.get("/v1/clips/nope"), 404, "clip_not_found");
        assertError(s.get("/v1/clips/nope/meta"), 404, "clip_not_found");
        assertError(s.send(s.write("/v1/clips/nope").DELETE().build()), 404, "clip_not_found");
        assertError(s.get("/v1/nothing"), 404, "not_found");
        HttpResponse<String> put = s.send(s.write("/v1/jobs").PUT(HttpRequest.BodyPublishers.noBody()).build());
        assertError(put, 405, "method_not_allowed");
        assertEquals("POST, GET, HEAD", put.headers().firstValue("Allow").orElseThrow()); // HEAD wherever GET is
    }

    @Test
    void pathTraversalNeverReachesAFile() throws Exception {
        Files.writeString(root.resolve("secret.wav"), "RIFF secret");
        Files.createSymbolicLink(root.resolve("data/clips/escape.wav"), root.resolve("secret.wav"));
        Files.writeString(root.resolve("data/clips/escape.json"), "{}");
        for (String path : List.of("/v1/clips/..%2F..%2Fsecret", "/v1/clips/%2e%2e", "/v1/clips/escape", "/v1/clips/..%5Csecret",
                "/v1/clips/escape/meta", "/v1/clips/%00")) {
            HttpResponse<String> r = s.get(path);
            assertTrue(r.statusCode() == 400 || r.statusCode() == 404, path + " -> " + r.statusCode());
            assertFalse(r.body().contains("secret"), path);
        }
        // Raw, unnormalised request line (java.net.http would normalise dots).
        assertFalse(rawGet("/v1/clips/../../secret.wav").contains("RIFF secret"));
        assertError(s.postJob("{\"mode\":\"audio_to_audio\",\"prompt\":\"x\",\"initAudio\":{\"upload\":\"../../secret\"}}"), 400, "invalid_argument");
        assertError(s.postJob("{\"mode\":\"audio_to_audio\",\"prompt\":\"x\",\"initAudio\":{\"clip\":\"escape\"}}"), 400, "invalid_argument");
    }

    private static String rawGet(String target) throws Exception {
        return rawRequest("GET " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n");
    }

    /** Sends a request line and headers as written (no normalising client between) and reads until the close. */
    private static String rawRequest(String request) throws Exception {
        try (Socket sock = new Socket(s.server.baseUri().getHost(), s.server.baseUri().getPort())) {
            sock.setSoTimeout(10_000);
            sock.getOutputStream().write(request.getBytes(StandardCharsets.US_ASCII));
            return new String(sock.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
        }
    }

    @Test
    void writesNeedTheTokenAndReadsDoNot() throws Exception {
        HttpRequest.Builder post = s.request("/v1/jobs").header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"prompt\":\"x\"}"));
        HttpResponse<String> r = s.send(post.build());
        assertError(r, 401, "unauthorized");
        assertEquals("Bearer", r.headers().firstValue("WWW-Authenticate").orElseThrow());
        assertError(s.send(post.header("Authorization", "Bearer " + "0".repeat(64)).build()), 401, "unauthorized");
        assertError(s.send(s.request("/v1/jobs/x").DELETE().build()), 401, "unauthorized");
        assertError(s.send(s.request("/v1/uploads").header("Content-Type", "audio/wav").POST(HttpRequest.BodyPublishers.ofString("RIFF")).build()),
                401, "unauthorized");
        assertEquals(200, s.get("/v1/health").statusCode());
    }

    @Test
    void foreignHostsAndOriginsAreRefused() throws Exception {
        // java.net.http will not set Host, so these go over a raw socket.
        assertTrue(raw("GET /v1/health HTTP/1.1\r\nHost: evil.example\r\n").startsWith("HTTP/1.1 403"));
        assertTrue(raw("GET /v1/health HTTP/1.1\r\nHost: 127.0.0.1.evil.example:80\r\n").startsWith("HTTP/1.1 403"));
        assertTrue(raw("GET /v1/health HTTP/1.1\r\nHost: localhost:1234\r\n").startsWith("HTTP/1.1 200"));
        assertTrue(raw("GET /v1/health HTTP/1.1\r\nHost: [::1]:7860\r\n").startsWith("HTTP/1.1 200"));
        assertError(s.send(s.request("/v1/health").header("Origin", "null").build()), 403, "forbidden");
        assertError(s.send(s.request("/v1/health").header("Origin", "https://evil.example").build()), 403, "forbidden");
        assertError(s.send(s.request("/v1/health").header("Origin", "http://localhost.evil.example").build()), 403, "forbidden");
        // A local app on another port may send a GET but not read the answer (no CORS grant); the server's own
        // origin may (security.CorsAttackTest plays the other app).
        HttpResponse<String> ok = s.send(s.request("/v1/health").header("Origin", "http://localhost:5173").build());
        assertEquals(200, ok.statusCode());
        assertNull(ok.headers().firstValue("Access-Control-Allow-Origin").orElse(null));
        HttpResponse<String> preflight = s.send(s.request("/v1/jobs").header("Origin", "http://127.0.0.1:3000")
                .method("OPTIONS", HttpRequest.BodyPublishers.noBody()).build());
        assertError(preflight, 403, "forbidden");
        assertNull(preflight.headers().firstValue("Access-Control-Allow-Origin").orElse(null));
        String own = "http://" + s.server.baseUri().getAuthority();
        HttpResponse<String> ownPreflight = s.send(s.request("/v1/jobs").header("Origin", own)
                .method("OPTIONS", HttpRequest.BodyPublishers.noBody()).build());
        assertEquals(204, ownPreflight.statusCode());
        assertEquals(own, ownPreflight.headers().firstValue("Access-Control-Allow-Origin").orElseThrow());
        assertNull(s.get("/v1/health").headers().firstValue("Access-Control-Allow-Origin").orElse(null));
    }

    @Test
    void writesAreRateLimitedPerClient(@TempDir Path other) throws Exception {
        LongplayServer.Config c = TestServer.config(other, 1, 64);
        LongplayServer.Config slow = new LongplayServer.Config(c.bind(), 0, c.dataDir(), c.configDir(), c.engine(), c.clipLimitBytes(),
                c.limits(), 1000, 1); // burst of 4 writes, then 1 per second
        try (TestServer t = new TestServer(LongplayServer.start(slow, new SineRenderer(1, 1, 0.5f)))) {
            for (int i = 0; i < 4; i++) {
                assertEquals(202, t.postJob("{\"prompt\":\"x\",\"seconds\":0.01}").statusCode());
            }
            HttpResponse<String> limited = t.postJob("{\"prompt\":\"x\",\"seconds\":0.01}");
            assertError(limited, 429, "rate_limited");
            assertTrue(limited.headers().firstValue("Retry-After").isPresent());
            // A self-chosen client name is no new budget (security.RateLimitAttackTest rotates it as an attacker would).
            // Three at once under new names: at most the one token refilled meanwhile lets one through.
            int accepted = 0;
            for (int i = 0; i < 3; i++) {
                HttpResponse<String> renamed = t.send(t.write("/v1/jobs").header("Content-Type", "application/json")
                        .header("X-Longplay-Client", "second-tool-" + i).POST(HttpRequest.BodyPublishers.ofString("{\"prompt\":\"x\",\"seconds\":0.01}")).build());
                accepted += renamed.statusCode() == 202 ? 1 : 0;
            }
            assertTrue(accepted <= 1, accepted + " of 3 renamed requests accepted");
        }
    }

    private static String raw(String head) throws Exception {
        try (Socket sock = new Socket(s.server.baseUri().getHost(), s.server.baseUri().getPort())) {
            sock.getOutputStream().write((head + "Connection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            return new String(sock.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
        }
    }

    static void assertError(HttpResponse<String> r, int status, String code) throws Exception {
        assertEquals(status, r.statusCode(), r.body());
        assertTrue(r.headers().firstValue("Content-Type").orElse("").startsWith("application/json"), r.headers().toString());
        JsonNode body = TestServer.json(r);
        assertEquals(code, body.get("code").asText(), r.body());
        assertFalse(body.get("message").asText().isBlank());
    }
}
